/* Breaks the layering: a package hi does not declare. */
#include <curl/curl.h>

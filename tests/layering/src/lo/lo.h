/* A public header of the fixture module lo. */
#include <jansson.h>

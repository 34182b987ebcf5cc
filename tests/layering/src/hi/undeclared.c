/* Breaks the layering: a module hi does not declare. */
#include "side/side.h"

/* Allowed: a declared module's public header and a declared package. */
#include <jansson.h>
#include <stdio.h>

#include "lo/lo.h"

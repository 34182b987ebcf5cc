/* Breaks the layering: a private header of another module. */
#include "lo/lo_int.h"

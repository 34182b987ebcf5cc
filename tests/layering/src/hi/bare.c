/* Breaks the layering: a header not named from src/. */
#include "lo.h"

/* A private header of the fixture module lo. */
#include "lo/lo.h"

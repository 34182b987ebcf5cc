/* A backend of lo: it may include lo's private header. */
#  include "lo/lo_int.h"

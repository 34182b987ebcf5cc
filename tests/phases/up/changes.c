#include "engine/changes.h"
#include "engine/apply.h"

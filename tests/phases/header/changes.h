#include "engine/env.h"
#include "engine/changes.h"

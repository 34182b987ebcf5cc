#include "engine/apply.h"
#include "engine/env.h"

#include "engine/env.h"

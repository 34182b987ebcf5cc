#include "engine/apply.h"

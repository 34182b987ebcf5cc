#include "engine/changes.h"

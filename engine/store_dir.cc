#include "engine/store_dir.h"

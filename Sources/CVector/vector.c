// CVector is header-only (include/CVector.h); SwiftPM builds a C target from at least one source.
#include "CVector.h"

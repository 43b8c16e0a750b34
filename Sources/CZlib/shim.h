// zlib (Debian zlib1g-dev): gzopen/gzread read .gz and plain files alike.
#include <zlib.h>

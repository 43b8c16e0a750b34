// stb_image, stb_image_write and stb_image_resize (Debian libstb-dev: headers under
// /usr/include/stb, implementations in libstb.a).
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>
#include <stb/stb_image_resize.h>

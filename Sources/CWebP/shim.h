// libwebp and its demuxer (Debian libwebp-dev). WebP files are decoded with WebPAnimDecoder,
// the decoder Pillow's WebPImagePlugin uses for every WebP file, still or animated, so that the
// first frame comes out on the same canvas, in the same colours, as Pillow's.
#include <webp/decode.h>
#include <webp/demux.h>

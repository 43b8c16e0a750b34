// libtiff (Debian libtiff-dev), reading a TIFF file held in memory.
//
// libtiff reports problems through handlers, not by jumping: the open below installs
// per-file handlers (TIFFOpenOptions) that keep the first error message for the caller, so
// nothing is printed and nothing is shared between threads decoding at once.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <tiffio.h>

/// The bytes of one TIFF file, and libtiff's first error message about it.
typedef struct {
    const unsigned char *data;
    uint64_t size;
    uint64_t offset;
    char message[256];
} mlplab_tiff_memory;

static tmsize_t mlplab_tiff_read(thandle_t handle, void *buffer, tmsize_t count) {
    mlplab_tiff_memory *memory = (mlplab_tiff_memory *)handle;
    if (count <= 0 || memory->offset >= memory->size) return 0;
    uint64_t available = memory->size - memory->offset;
    uint64_t n = (uint64_t)count < available ? (uint64_t)count : available;
    memcpy(buffer, memory->data + memory->offset, (size_t)n);
    memory->offset += n;
    return (tmsize_t)n;
}
static tmsize_t mlplab_tiff_write(thandle_t handle, void *buffer, tmsize_t count) {
    (void)handle; (void)buffer; (void)count;
    return 0;
}
static toff_t mlplab_tiff_seek(thandle_t handle, toff_t offset, int whence) {
    mlplab_tiff_memory *memory = (mlplab_tiff_memory *)handle;
    uint64_t base = whence == SEEK_CUR ? memory->offset : whence == SEEK_END ? memory->size : 0;
    memory->offset = base + offset;
    return memory->offset;
}
static int mlplab_tiff_close(thandle_t handle) { (void)handle; return 0; }
static toff_t mlplab_tiff_size(thandle_t handle) { return ((mlplab_tiff_memory *)handle)->size; }
static int mlplab_tiff_map(thandle_t handle, void **base, toff_t *size) {
    (void)handle; (void)base; (void)size;
    return 0;
}
static void mlplab_tiff_unmap(thandle_t handle, void *base, toff_t size) { (void)handle; (void)base; (void)size; }
static int mlplab_tiff_on_error(TIFF *tiff, void *user, const char *module, const char *format, va_list args) {
    (void)tiff; (void)module;
    mlplab_tiff_memory *memory = (mlplab_tiff_memory *)user;
    if (memory->message[0] == 0) vsnprintf(memory->message, sizeof memory->message, format, args);
    return 1;
}
static int mlplab_tiff_on_warning(TIFF *tiff, void *user, const char *module, const char *format, va_list args) {
    (void)tiff; (void)user; (void)module; (void)format; (void)args;
    return 1;
}

/// Opens the TIFF in `memory` for reading (its first directory, as Pillow's open does), or NULL.
/// Single allocations inside libtiff are capped at `max_allocation` bytes.
static inline TIFF *mlplab_tiff_open(mlplab_tiff_memory *memory, long max_allocation) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, mlplab_tiff_on_error, memory);
    TIFFOpenOptionsSetWarningHandlerExtR(options, mlplab_tiff_on_warning, memory);
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)max_allocation);
    // "m": never memory-map (there is no file); "r": read only.
    TIFF *tiff = TIFFClientOpenExt("image", "rm", (thandle_t)memory, mlplab_tiff_read, mlplab_tiff_write,
                                   mlplab_tiff_seek, mlplab_tiff_close, mlplab_tiff_size,
                                   mlplab_tiff_map, mlplab_tiff_unmap, options);
    TIFFOpenOptionsFree(options);
    return tiff;
}

/// The tags that decide how the first image's samples are laid out.
typedef struct {
    uint32_t width, height;
    uint16_t bits_per_sample, samples_per_pixel, photometric, sample_format, planar, fill_order, compression;
    uint16_t extra_count, extra_first;
    int has_photometric;
} mlplab_tiff_layout;

static inline void mlplab_tiff_describe(TIFF *tiff, mlplab_tiff_layout *layout) {
    uint16_t *extra = NULL;
    memset(layout, 0, sizeof *layout);
    TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &layout->width);
    TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &layout->height);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &layout->bits_per_sample);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &layout->samples_per_pixel);
    layout->has_photometric = TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &layout->photometric);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &layout->sample_format);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &layout->planar);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_FILLORDER, &layout->fill_order);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_COMPRESSION, &layout->compression);
    if (TIFFGetField(tiff, TIFFTAG_EXTRASAMPLES, &layout->extra_count, &extra) && layout->extra_count > 0 && extra)
        layout->extra_first = extra[0];
}

/// The palette's first `count` entries, 16 bits a channel; 0 if the file has none.
static inline int mlplab_tiff_colormap(TIFF *tiff, uint16_t *red, uint16_t *green, uint16_t *blue, int count) {
    uint16_t *r = NULL, *g = NULL, *b = NULL;
    if (!TIFFGetField(tiff, TIFFTAG_COLORMAP, &r, &g, &b) || !r || !g || !b) return 0;
    memcpy(red, r, (size_t)count * 2);
    memcpy(green, g, (size_t)count * 2);
    memcpy(blue, b, (size_t)count * 2);
    return 1;
}

/// Asks libtiff's JPEG codec for RGB instead of YCbCr (what Pillow asks for such files).
static inline void mlplab_tiff_jpeg_to_rgb(TIFF *tiff) { TIFFSetField(tiff, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB); }

/// Bytes of one decoded row (samples interleaved, as TIFFScanlineSize says).
static inline uint64_t mlplab_tiff_row_bytes(TIFF *tiff) { return TIFFScanlineSize64(tiff); }

enum {
    MLPLAB_TIFF_OK = 0,
    /// libtiff could not read a strip or tile (its message is in the memory's message).
    MLPLAB_TIFF_FAILED = -1,
    /// The tiles' sizes disagree with the pixel size the layout gives.
    MLPLAB_TIFF_BAD_TILES = -2,
};

/// Copies `count` bits from bit 0 of `source` to bit `to` of `target`, most significant bit
/// first (fill order 1), leaving the target's other bits as they are.
static inline void mlplab_tiff_copy_bits(unsigned char *target, uint64_t to, const unsigned char *source, uint64_t count) {
    for (uint64_t from = 0; from < count; from++, to++) {
        unsigned bit = (source[from / 8] >> (7 - from % 8)) & 1u;
        unsigned char mask = (unsigned char)(0x80u >> (to % 8));
        target[to / 8] = (unsigned char)(bit ? target[to / 8] | mask : target[to / 8] & ~mask);
    }
}

/// Decodes every strip or tile of the first image into `output` (height rows of
/// mlplab_tiff_row_bytes bytes, samples interleaved, 16-bit samples in host order).
/// `pixel_bits` is bits per sample × samples per pixel as decoded (24 for JPEG asked for RGB).
/// Each row of a tile starts on a byte, so a tile's column 0 need not start on a byte of the
/// image's row when pixel_bits × tile width is not a multiple of 8 (libtiff reads tile widths
/// that are not multiples of 16, with a warning): such pixels are placed bit by bit.
/// Returns MLPLAB_TIFF_OK, _FAILED, or _BAD_TILES when libtiff's tile or row sizes are not those
/// of `pixel_bits` (nothing is written past a row then).
static inline int mlplab_tiff_read_pixels(TIFF *tiff, unsigned char *output, uint32_t height, uint32_t pixel_bits) {
    uint64_t row_bytes = TIFFScanlineSize64(tiff);
    if (row_bytes == 0) return MLPLAB_TIFF_FAILED;
    if (!TIFFIsTiled(tiff)) {
        uint32_t rows_per_strip = 0;
        TIFFGetFieldDefaulted(tiff, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
        if (rows_per_strip == 0 || rows_per_strip > height) rows_per_strip = height;
        for (uint32_t row = 0, strip = 0; row < height; row += rows_per_strip, strip++) {
            uint32_t rows = height - row < rows_per_strip ? height - row : rows_per_strip;
            tmsize_t want = (tmsize_t)(row_bytes * rows);
            if (TIFFReadEncodedStrip(tiff, strip, output + row_bytes * row, want) < want) return MLPLAB_TIFF_FAILED;
        }
        return MLPLAB_TIFF_OK;
    }
    uint32_t tile_width = 0, tile_height = 0, width = 0;
    TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &tile_width);
    TIFFGetField(tiff, TIFFTAG_TILELENGTH, &tile_height);
    TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
    uint64_t tile_row_bytes = TIFFTileRowSize64(tiff);
    uint64_t tile_bytes = TIFFTileSize64(tiff);
    if (tile_width == 0 || tile_height == 0 || tile_row_bytes == 0 || tile_bytes == 0 || pixel_bits == 0) return MLPLAB_TIFF_FAILED;
    // Every tile row is read at tile_row_bytes apart and its columns copied into an image row:
    // both must hold the pixels they are said to.
    if (tile_row_bytes != ((uint64_t)tile_width * pixel_bits + 7) / 8 || tile_bytes / tile_row_bytes < tile_height
        || row_bytes < ((uint64_t)width * pixel_bits + 7) / 8)
        return MLPLAB_TIFF_BAD_TILES;
    unsigned char *tile = (unsigned char *)malloc((size_t)tile_bytes);
    if (tile == NULL) return MLPLAB_TIFF_FAILED;
    for (uint32_t y = 0; y < height; y += tile_height) {
        for (uint32_t x = 0; x < width; x += tile_width) {
            if (TIFFReadTile(tiff, tile, x, y, 0, 0) < 0) { free(tile); return MLPLAB_TIFF_FAILED; }
            uint32_t rows = height - y < tile_height ? height - y : tile_height;
            uint32_t columns = width - x < tile_width ? width - x : tile_width;
            // (x + columns) × pixel_bits ≤ width × pixel_bits ≤ row_bytes × 8: inside the row.
            for (uint32_t r = 0; r < rows; r++) {
                unsigned char *target = output + row_bytes * (y + r);
                const unsigned char *source = tile + tile_row_bytes * r;
                uint64_t to = (uint64_t)x * pixel_bits, count = (uint64_t)columns * pixel_bits;
                if (to % 8 == 0 && count % 8 == 0) memcpy(target + to / 8, source, (size_t)(count / 8));
                else mlplab_tiff_copy_bits(target, to, source, count);
            }
        }
    }
    free(tile);
    return MLPLAB_TIFF_OK;
}

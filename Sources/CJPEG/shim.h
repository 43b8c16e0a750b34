// libjpeg-turbo (Debian libjpeg62-turbo-dev), wrapped so that Swift never sees a longjmp.
//
// libjpeg reports a fatal error by calling error_exit, which must not return. The functions
// below set a jmp_buf before every libjpeg call and longjmp back into their own C frame, never
// through a Swift one. The source manager suspends at the end of the data, as Pillow's does
// (src/libImaging/JpegDecode.c), instead of inserting a fake end-of-image marker as
// jpeg_mem_src does: so a JPEG whose scan data stops early is reported as truncated, while one
// missing only its final marker (every row decoded) is accepted, both as Pillow does.
// Warnings (corrupt-data notices) are ignored, as Pillow's decoder ignores them.
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>

/// What a call reports: the image's header fields and, on failure, libjpeg's message.
typedef struct {
    int width;
    int height;
    /// Components in the file (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK).
    int components;
    /// libjpeg's J_COLOR_SPACE guessed for the file.
    int color_space;
    char message[JMSG_LENGTH_MAX];
} mlplab_jpeg_info;

enum {
    MLPLAB_JPEG_OK = 0,
    /// libjpeg refused the data (message says why).
    MLPLAB_JPEG_ERROR = 1,
    /// The data ended before the image was complete.
    MLPLAB_JPEG_TRUNCATED = 2,
};

struct mlplab_jpeg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *message;
};

static void mlplab_jpeg_error_exit(j_common_ptr cinfo) {
    struct mlplab_jpeg_error *error = (struct mlplab_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->jump, 1);
}

static void mlplab_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }
static void mlplab_jpeg_init_source(j_decompress_ptr cinfo) { (void)cinfo; }
static void mlplab_jpeg_term_source(j_decompress_ptr cinfo) { (void)cinfo; }
/// The whole file is in the buffer: asking for more means it ended early; suspend.
static boolean mlplab_jpeg_fill_input_buffer(j_decompress_ptr cinfo) { (void)cinfo; return FALSE; }
static void mlplab_jpeg_skip_input_data(j_decompress_ptr cinfo, long count) {
    struct jpeg_source_mgr *src = cinfo->src;
    if (count <= 0) return;
    if ((unsigned long)count > src->bytes_in_buffer) {
        src->next_input_byte += src->bytes_in_buffer;
        src->bytes_in_buffer = 0;
    } else {
        src->next_input_byte += count;
        src->bytes_in_buffer -= (size_t)count;
    }
}

/// Reads the header, and with `output` non-NULL decodes the image into it: `out_components`
/// bytes a pixel (1 gray: only for a 1-component file; 3 RGB; 4 CMYK as stored, Adobe files
/// inverted), rows top to bottom. `max_pixels` is checked before anything is allocated for
/// the pixels. Returns MLPLAB_JPEG_OK, _ERROR or _TRUNCATED; -1 means too many pixels.
static inline int mlplab_jpeg_decode(const unsigned char *data, unsigned long size,
                                     unsigned char *output, int out_components,
                                     long max_pixels, mlplab_jpeg_info *info) {
    struct jpeg_decompress_struct cinfo;
    struct mlplab_jpeg_error error;
    struct jpeg_source_mgr source;
    volatile int result = MLPLAB_JPEG_OK;
    info->message[0] = 0;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&error.pub);
    error.pub.error_exit = mlplab_jpeg_error_exit;
    error.pub.output_message = mlplab_jpeg_output_message;
    error.message = info->message;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return MLPLAB_JPEG_ERROR;
    }
    jpeg_create_decompress(&cinfo);
    source.init_source = mlplab_jpeg_init_source;
    source.fill_input_buffer = mlplab_jpeg_fill_input_buffer;
    source.skip_input_data = mlplab_jpeg_skip_input_data;
    source.resync_to_restart = jpeg_resync_to_restart;
    source.term_source = mlplab_jpeg_term_source;
    source.next_input_byte = data;
    source.bytes_in_buffer = size;
    cinfo.src = &source;

    int header;
    do {
        header = jpeg_read_header(&cinfo, FALSE);
    } while (header == JPEG_HEADER_TABLES_ONLY);
    if (header != JPEG_HEADER_OK) {
        jpeg_destroy_decompress(&cinfo);
        return MLPLAB_JPEG_TRUNCATED;
    }
    info->width = (int)cinfo.image_width;
    info->height = (int)cinfo.image_height;
    info->components = cinfo.num_components;
    info->color_space = (int)cinfo.jpeg_color_space;
    if (output == NULL) {
        jpeg_destroy_decompress(&cinfo);
        return MLPLAB_JPEG_OK;
    }
    if ((long)cinfo.image_width * (long)cinfo.image_height > max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    switch (out_components) {
    case 1: cinfo.out_color_space = JCS_GRAYSCALE; break;
    case 3: cinfo.out_color_space = JCS_RGB; break;
    case 4: cinfo.out_color_space = JCS_CMYK; break;
    default:
        strcpy(info->message, "unsupported output layout");
        jpeg_destroy_decompress(&cinfo);
        return MLPLAB_JPEG_ERROR;
    }
    if (!jpeg_start_decompress(&cinfo)) {
        jpeg_destroy_decompress(&cinfo);
        return MLPLAB_JPEG_TRUNCATED;
    }
    if (cinfo.output_components != out_components || (int)cinfo.output_width != info->width ||
        (int)cinfo.output_height != info->height) {
        strcpy(info->message, "unexpected output layout");
        jpeg_destroy_decompress(&cinfo);
        return MLPLAB_JPEG_ERROR;
    }
    size_t stride = (size_t)cinfo.output_width * (size_t)out_components;
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = output + (size_t)cinfo.output_scanline * stride;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
            result = MLPLAB_JPEG_TRUNCATED;
            break;
        }
    }
    // With every row decoded, a missing end-of-image marker is no error (as in Pillow).
    if (result == MLPLAB_JPEG_OK) (void)jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return result;
}

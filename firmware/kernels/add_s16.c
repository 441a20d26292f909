#include "add_s16.h"

mg_status mg_add_s16(const mg_add_s16_params *p, const int16_t *in1, const int16_t *in2, int16_t *out)
{
    return mg_add_sub_s16(p, in1, in2, out, 1);
}

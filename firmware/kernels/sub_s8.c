#include "sub_s8.h"

mg_status mg_sub_s8(const mg_sub_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    return mg_add_sub_s8(p, in1, in2, out, -1);
}

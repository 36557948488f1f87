/* Kernels for story clustering, in C (see compiled.py for when they are used): the module itself.
 * The sparse-vector kernels are in _vectors.c, the pair model's in _pairs.c. */
#include "_speedups.h"

PyObject *k_str_words, *k_str_names, *k_str_ids, *k_str_values, *k_str_set_sizes;

static PyMethodDef methods[] = {
    {"dot", (PyCFunction)(void (*)(void))k_dot, METH_FASTCALL, "Dot product of two sparse vectors."},
    {"grow", (PyCFunction)(void (*)(void))k_grow, METH_FASTCALL,
     "Add sign * vec into total; the new squared norm from the old one."},
    {"weigh", (PyCFunction)(void (*)(void))k_weigh, METH_FASTCALL,
     "Unit TF-IDF vector of raw weights, given document frequencies."},
    {"weigh_counted", (PyCFunction)(void (*)(void))k_weigh_counted, METH_FASTCALL,
     "weigh() for a full text, with its terms' document frequencies and unit weights as bytes."},
    {"salient", (PyCFunction)(void (*)(void))k_salient, METH_FASTCALL, "The n heaviest keys, heaviest first."},
    {"strongest", (PyCFunction)(void (*)(void))k_strongest, METH_FASTCALL,
     "The keys of the n highest scores, highest first, ties to the smaller key."},
    {"new_keys", (PyCFunction)(void (*)(void))k_new_keys, METH_FASTCALL, "The vector's keys the table lacks."},
    {"closest_member", (PyCFunction)(void (*)(void))k_closest_member, METH_FASTCALL,
     "The highest similarity of an article to one of the members."},
    {"sublinear", (PyCFunction)(void (*)(void))k_sublinear, METH_FASTCALL,
     "A bag of terms from (terms, half-units) parts, with sublinear weights."},
    {"pair_probabilities", (PyCFunction)(void (*)(void))k_pair_probabilities, METH_FASTCALL,
     "P(same event) of every row member with every column member, into out."},
    {"encode", (PyCFunction)(void (*)(void))k_encode, METH_FASTCALL,
     "A member's items as tagged int64 ids and float32 values, or the keys not in the table yet."},
    {"average_link", (PyCFunction)(void (*)(void))k_average_link, METH_FASTCALL,
     "Average-link groups of a similarity matrix at a threshold."},
    {"pair_lookup", (PyCFunction)(void (*)(void))k_pair_lookup, METH_FASTCALL,
     "Known probabilities of row and column members, NaN where unknown."},
    {"pair_cover", (PyCFunction)(void (*)(void))k_pair_cover, METH_FASTCALL,
     "Rows whose computing fills every NaN of a symmetric matrix."},
    {"pair_store", (PyCFunction)(void (*)(void))k_pair_store, METH_FASTCALL, "Remember probabilities both ways round."},
    {"time_factors", (PyCFunction)(void (*)(void))k_time_factors, METH_FASTCALL,
     "Time's factor for every pair of stamps."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups = {
    PyModuleDef_HEAD_INIT, "_speedups", "Kernels for story clustering (see compiled.py).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    k_str_words = PyUnicode_InternFromString("words");
    k_str_names = PyUnicode_InternFromString("names");
    k_str_ids = PyUnicode_InternFromString("ids");
    k_str_values = PyUnicode_InternFromString("values");
    k_str_set_sizes = PyUnicode_InternFromString("set_sizes");
    if (k_str_words == NULL || k_str_names == NULL || k_str_ids == NULL || k_str_values == NULL || k_str_set_sizes == NULL) {
        return NULL;
    }
    return PyModule_Create(&speedups);
}

/* Shared by the story clusterer's compiled kernels (_speedups.c, _vectors.c, _pairs.c). */
#ifndef NEWSGRASP_SPEEDUPS_H
#define NEWSGRASP_SPEEDUPS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Attribute names, interned once when the module loads. */
extern PyObject *k_str_words, *k_str_names, *k_str_ids, *k_str_values, *k_str_set_sizes;

static inline int
as_double(PyObject *value, double *out)
{
    if (PyFloat_CheckExact(value)) {
        *out = PyFloat_AS_DOUBLE(value);
        return 0;
    }
    *out = PyFloat_AsDouble(value);
    if (*out == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    return 0;
}

/* A vector's weight as a float, or a TypeError naming the key and where it was. */
static inline int
as_weight(PyObject *value, PyObject *key, const char *where, double *out)
{
    if (PyFloat_CheckExact(value)) {
        *out = PyFloat_AS_DOUBLE(value);
        return 0;
    }
    if (as_double(value, out) < 0) {
        PyErr_Format(PyExc_TypeError, "%s: the weight of %R must be a number, not %.100s", where, key,
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    return 0;
}

/* A TypeError unless a function named name got between least and most arguments. */
static inline int
check_nargs(const char *name, Py_ssize_t nargs, Py_ssize_t least, Py_ssize_t most)
{
    if (nargs >= least && nargs <= most) {
        return 0;
    }
    if (least == most) {
        PyErr_Format(PyExc_TypeError, "%s() takes %zd arguments (%zd given)", name, least, nargs);
    }
    else {
        PyErr_Format(PyExc_TypeError, "%s() takes %zd or %zd arguments (%zd given)", name, least, most, nargs);
    }
    return -1;
}

static inline int
check_dict(PyObject *obj, const char *what)
{
    if (!PyDict_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be a dict, not %.100s", what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    return 0;
}

static inline int
float64_matrix(PyObject *obj, Py_buffer *view, Py_ssize_t rows, Py_ssize_t cols, int writable, const char *what)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0)) < 0) {
        return -1;
    }
    const char *fmt = view->format ? view->format : "B";
    if (*fmt == '<' || *fmt == '=' || *fmt == '@') fmt++;
    if (view->itemsize != 8 || fmt[0] != 'd' || view->len != rows * cols * 8) {
        PyErr_Format(PyExc_ValueError, "%s must be a float64 array of %zd x %zd", what, rows, cols);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

PyObject *k_sublinear(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_dot(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_grow(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_weigh(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_weigh_counted(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_salient(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_strongest(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_new_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_closest_member(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_pair_probabilities(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_encode(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_average_link(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_pair_lookup(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_pair_cover(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_pair_store(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *k_time_factors(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif

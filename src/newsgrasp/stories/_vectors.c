/* Sparse vectors (vectors.py): the same functions as the pure-Python ones there, with the same
 * arithmetic in the same order, so the same stories come out.  Vectors are dicts from term to float.
 * A story's sums are large and scattered in memory, and every article probes several of them term by
 * term: the interpreter's cost per probe was as large as the memory's. */
#include "_speedups.h"

/* sum(v * big[t] for t, v in small.items() if t in big), left to right. */
static int
sparse_dot(PyObject *small, PyObject *big, double *out)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    double total = 0.0, a, b;
    while (PyDict_Next(small, &pos, &key, &value)) {
        PyObject *other = PyDict_GetItemWithError(big, key);
        if (other == NULL) {
            if (PyErr_Occurred()) {
                return -1;
            }
            continue;
        }
        if (as_weight(value, key, "dot()", &a) < 0 || as_weight(other, key, "dot()", &b) < 0) {
            return -1;
        }
        total += a * b;
    }
    *out = total;
    return 0;
}

PyObject *
k_dot(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("dot", nargs, 2, 2) < 0) {
        return NULL;
    }
    PyObject *small = args[0], *big = args[1];
    if (check_dict(small, "dot()'s first vector") < 0 || check_dict(big, "dot()'s second vector") < 0) {
        return NULL;
    }
    if (PyDict_GET_SIZE(small) > PyDict_GET_SIZE(big)) {
        PyObject *swap = small;
        small = big;
        big = swap;
    }
    double total;
    if (sparse_dot(small, big, &total) < 0) {
        return NULL;
    }
    return PyFloat_FromDouble(total);
}

PyObject *
k_grow(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("grow", nargs, 3, 4) < 0) {
        return NULL;
    }
    PyObject *total = args[0], *vec = args[1];
    double sq, sign = 1.0;
    if (check_dict(total, "grow()'s total") < 0 || check_dict(vec, "grow()'s vector") < 0) {
        return NULL;
    }
    if (as_double(args[2], &sq) < 0 || (nargs == 4 && as_double(args[3], &sign) < 0)) {
        return NULL;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    double cross = 0.0, own = 0.0, v, old;
    while (PyDict_Next(vec, &pos, &key, &value)) {
        if (as_weight(value, key, "grow()'s vector", &v) < 0) {
            return NULL;
        }
        v = sign * v;
        PyObject *held = PyDict_GetItemWithError(total, key);
        old = 0.0;
        if (held == NULL) {
            if (PyErr_Occurred()) {
                return NULL;
            }
        }
        else if (as_weight(held, key, "grow()'s total", &old) < 0) {
            return NULL;
        }
        cross += old * v;
        own += v * v;
        PyObject *sum = PyFloat_FromDouble(old + v);
        if (sum == NULL) {
            return NULL;
        }
        int failed = PyDict_SetItem(total, key, sum);
        Py_DECREF(sum);
        if (failed < 0) {
            return NULL;
        }
    }
    double result = sq + 2.0 * cross + own;
    return PyFloat_FromDouble(result > 0.0 ? result : 0.0);
}

PyObject *
k_weigh(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("weigh", nargs, 4, 4) < 0) {
        return NULL;
    }
    PyObject *raw = args[0], *counts = args[1], *prefix = args[2];
    double top;
    if (check_dict(raw, "weigh()'s vector") < 0 || check_dict(counts, "weigh()'s frequencies") < 0) {
        return NULL;
    }
    if (!PyUnicode_Check(prefix)) {
        PyErr_Format(PyExc_TypeError, "weigh()'s prefix must be a str, not %.100s", Py_TYPE(prefix)->tp_name);
        return NULL;
    }
    if (as_double(args[3], &top) < 0) {
        return NULL;
    }
    int prefixed = PyUnicode_GET_LENGTH(prefix) > 0;
    Py_ssize_t n = PyDict_GET_SIZE(raw), pos = 0, i = 0;
    double *weights = PyMem_Malloc(sizeof(double) * (n ? n : 1));
    if (weights == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *key, *value, *out = NULL;
    double sq = 0.0, v;
    while (PyDict_Next(raw, &pos, &key, &value)) {
        PyObject *lookup = key;
        if (prefixed && (lookup = PyUnicode_Concat(prefix, key)) == NULL) {
            goto done;
        }
        PyObject *count = PyDict_GetItemWithError(counts, lookup);
        if (prefixed) {
            Py_DECREF(lookup);
        }
        double c = 0.0;
        if (count == NULL) {
            if (PyErr_Occurred()) {
                goto done;
            }
        }
        else if (as_weight(count, key, "weigh()'s frequencies", &c) < 0) {
            goto done;
        }
        if (as_weight(value, key, "weigh()'s vector", &v) < 0) {
            goto done;
        }
        weights[i] = v * (top - log(c + 1.0));
        sq += weights[i] * weights[i];
        i++;
    }
    if ((out = PyDict_New()) == NULL || sq == 0.0) {
        goto done;
    }
    double norm = sqrt(sq);
    pos = 0;
    i = 0;
    while (PyDict_Next(raw, &pos, &key, &value)) {
        PyObject *unit = PyFloat_FromDouble(weights[i++] / norm);
        if (unit == NULL || PyDict_SetItem(out, key, unit) < 0) {
            Py_XDECREF(unit);
            Py_CLEAR(out);
            goto done;
        }
        Py_DECREF(unit);
    }
done:
    PyMem_Free(weights);
    return out;
}


/* weigh_counted(raw, counts, top): weigh() for a full text, also returning the terms' document
 * frequencies (int64 bytes) and the unit weights (float64 bytes), in the vector's order; what the pair
 * model's encoding reads. */
PyObject *
k_weigh_counted(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("weigh_counted", nargs, 3, 3) < 0) {
        return NULL;
    }
    PyObject *raw = args[0], *counts = args[1], *out = NULL, *count_bytes = NULL, *weight_bytes = NULL;
    double top;
    if (check_dict(raw, "weigh_counted()'s vector") < 0 || check_dict(counts, "weigh_counted()'s frequencies") < 0
            || as_double(args[2], &top) < 0) {
        return NULL;
    }
    Py_ssize_t n = PyDict_GET_SIZE(raw), pos = 0, i = 0;
    count_bytes = PyBytes_FromStringAndSize(NULL, n * 8);
    weight_bytes = PyBytes_FromStringAndSize(NULL, n * 8);
    if (count_bytes == NULL || weight_bytes == NULL) goto fail;
    int64_t *held = (int64_t *)PyBytes_AS_STRING(count_bytes);
    double *weights = (double *)PyBytes_AS_STRING(weight_bytes), sq = 0.0, v;
    PyObject *key, *value;
    while (PyDict_Next(raw, &pos, &key, &value)) {
        PyObject *count = PyDict_GetItemWithError(counts, key);
        long long c = 0;
        if (count == NULL) {
            if (PyErr_Occurred()) goto fail;
        }
        else if ((c = PyLong_AsLongLong(count)) == -1 && PyErr_Occurred()) {
            goto fail;
        }
        if (as_weight(value, key, "weigh_counted()'s vector", &v) < 0) goto fail;
        held[i] = c;
        weights[i] = v * (top - log((double)c + 1.0));
        sq += weights[i] * weights[i];
        i++;
    }
    if ((out = PyDict_New()) == NULL) goto fail;
    if (sq == 0.0) {
        Py_SETREF(count_bytes, PyBytes_FromStringAndSize(NULL, 0));
        Py_SETREF(weight_bytes, PyBytes_FromStringAndSize(NULL, 0));
        if (count_bytes == NULL || weight_bytes == NULL) goto fail;
    }
    else {
        double norm = sqrt(sq);
        pos = 0;
        i = 0;
        while (PyDict_Next(raw, &pos, &key, &value)) {
            weights[i] /= norm;
            PyObject *unit = PyFloat_FromDouble(weights[i++]);
            if (unit == NULL || PyDict_SetItem(out, key, unit) < 0) {
                Py_XDECREF(unit);
                goto fail;
            }
            Py_DECREF(unit);
        }
    }
    PyObject *result = PyTuple_Pack(3, out, count_bytes, weight_bytes);
    Py_DECREF(out);
    Py_DECREF(count_bytes);
    Py_DECREF(weight_bytes);
    return result;
fail:
    Py_XDECREF(out);
    Py_XDECREF(count_bytes);
    Py_XDECREF(weight_bytes);
    return NULL;
}

/* The n heaviest (weight, key) entries of a dict, heaviest first; equal weights put the greater key
 * first (later_first) or the smaller.  Keys are borrowed from vec.  Returns how many, or -1. */
static Py_ssize_t
heaviest(PyObject *vec, Py_ssize_t n, int later_first, const char *where, double *best, PyObject **keys)
{
    Py_ssize_t held = 0, pos = 0;
    PyObject *key, *value;
    double v;
    while (n > 0 && PyDict_Next(vec, &pos, &key, &value)) {
        if (as_weight(value, key, where, &v) < 0) return -1;
        Py_ssize_t at = held;
        while (at > 0) {
            int above;
            if (best[at - 1] != v) {
                above = best[at - 1] > v;
            }
            else {
                above = PyObject_RichCompareBool(keys[at - 1], key, later_first ? Py_GT : Py_LT);
                if (above < 0) return -1;
            }
            if (above) break;
            at--;
        }
        if (at >= n) continue;
        Py_ssize_t last = held < n ? held : n - 1;
        for (Py_ssize_t j = last; j > at; j--) {
            best[j] = best[j - 1];
            keys[j] = keys[j - 1];
        }
        best[at] = v;
        keys[at] = key;
        if (held < n) held++;
    }
    return held;
}

/* The keys of heaviest() as a list (each with prefix in front, if prefix is not NULL). */
static PyObject *
heaviest_keys(PyObject *vec, PyObject *n_obj, int later_first, const char *where, PyObject *prefix)
{
    Py_ssize_t n = PyLong_AsSsize_t(n_obj);
    if (n == -1 && PyErr_Occurred()) return NULL;
    if (n < 0) n = 0;
    if (n > PyDict_GET_SIZE(vec)) n = PyDict_GET_SIZE(vec);
    double *best = PyMem_Malloc(sizeof(double) * (size_t)(n ? n : 1));
    PyObject **keys = PyMem_Malloc(sizeof(PyObject *) * (size_t)(n ? n : 1));
    PyObject *out = NULL;
    if (best == NULL || keys == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t held = heaviest(vec, n, later_first, where, best, keys);
    if (held < 0 || (out = PyList_New(held)) == NULL) goto done;
    for (Py_ssize_t j = 0; j < held; j++) {
        PyObject *item;
        if (prefix == NULL) {
            item = Py_NewRef(keys[j]);
        }
        else if (!PyUnicode_Check(keys[j]) || (item = PyUnicode_Concat(prefix, keys[j])) == NULL) {
            if (!PyErr_Occurred()) PyErr_Format(PyExc_TypeError, "%s: keys must be str", where);
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, j, item);
    }
done:
    PyMem_Free(best);
    PyMem_Free(keys);
    return out;
}

/* salient(vec, prefix, n): the n heaviest keys, heaviest first, ties to the greater key, each with
 * prefix in front: sorted(zip(values, keys), reverse=True)[:n]. */
PyObject *
k_salient(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("salient", nargs, 3, 3) < 0 || check_dict(args[0], "salient()'s vector") < 0) {
        return NULL;
    }
    if (!PyUnicode_Check(args[1])) {
        PyErr_Format(PyExc_TypeError, "salient()'s prefix must be a str, not %.100s", Py_TYPE(args[1])->tp_name);
        return NULL;
    }
    return heaviest_keys(args[0], args[2], 1, "salient()'s vector", args[1]);
}

/* strongest(scores, n): the n keys of the highest scores, highest first, ties to the smaller key:
 * [k for k, _ in heapq.nsmallest(n, scores.items(), key=lambda kv: (-kv[1], kv[0]))]. */
PyObject *
k_strongest(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("strongest", nargs, 2, 2) < 0 || check_dict(args[0], "strongest()'s scores") < 0) {
        return NULL;
    }
    return heaviest_keys(args[0], args[1], 0, "strongest()'s scores", NULL);
}

PyObject *
k_new_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("new_keys", nargs, 2, 2) < 0) {
        return NULL;
    }
    PyObject *vec = args[0], *held = args[1];
    if (check_dict(vec, "new_keys()'s vector") < 0 || check_dict(held, "new_keys()'s table") < 0) {
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(vec, &pos, &key, &value)) {
        int found = PyDict_Contains(held, key);
        if (found < 0 || (!found && PyList_Append(out, key) < 0)) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

PyObject *
k_closest_member(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("closest_member", nargs, 4, 4) < 0) {
        return NULL;
    }
    PyObject *words = args[0], *names = args[1], *members = args[2];
    double weight;
    if (check_dict(words, "closest_member()'s words") < 0 || check_dict(names, "closest_member()'s names") < 0) {
        return NULL;
    }
    if (as_double(args[3], &weight) < 0) {
        return NULL;
    }
    PyObject *seq = PySequence_Fast(members, "closest_member()'s members must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    double best = 0.0, keep = 1.0 - weight, sim, by_name;
    int have_names = PyDict_GET_SIZE(names) > 0;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *member = PySequence_Fast_GET_ITEM(seq, i);
        PyObject *mine = PyObject_GetAttr(member, k_str_words);
        if (mine == NULL) {
            goto fail;
        }
        int bad = check_dict(mine, "a member's words") < 0 || sparse_dot(words, mine, &sim) < 0;
        Py_DECREF(mine);
        if (bad) {
            goto fail;
        }
        if (have_names) {
            PyObject *theirs = PyObject_GetAttr(member, k_str_names);
            if (theirs == NULL) {
                goto fail;
            }
            bad = check_dict(theirs, "a member's names") < 0;
            if (!bad && PyDict_GET_SIZE(theirs) > 0) {
                bad = sparse_dot(names, theirs, &by_name) < 0;
                sim = keep * sim + weight * by_name;
            }
            Py_DECREF(theirs);
            if (bad) {
                goto fail;
            }
        }
        if (sim > best) {
            best = sim;
        }
    }
    Py_DECREF(seq);
    return PyFloat_FromDouble(best);
fail:
    Py_DECREF(seq);
    return NULL;
}

/* sublinear(parts): a bag of terms from (terms, units) pairs, each use of a term counting units half-units:
 * term -> 1 + log(half-units / 2), keys in the order of first use (features._sublinear). */
PyObject *
k_sublinear(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("sublinear", nargs, 1, 1) < 0) {
        return NULL;
    }
    PyObject *parts = PySequence_Fast(args[0], "sublinear(): parts must be a sequence of (terms, units)");
    if (parts == NULL) return NULL;
    PyObject *out = PyDict_New();
    if (out == NULL) goto fail;
    for (Py_ssize_t p = 0; p < PySequence_Fast_GET_SIZE(parts); p++) {
        PyObject *part = PySequence_Fast_GET_ITEM(parts, p), *terms;
        long units;
        if (!PyTuple_Check(part) || PyTuple_GET_SIZE(part) != 2) {
            PyErr_SetString(PyExc_TypeError, "sublinear(): each part must be a (terms, units) tuple");
            goto fail;
        }
        if ((units = PyLong_AsLong(PyTuple_GET_ITEM(part, 1))) == -1 && PyErr_Occurred()) goto fail;
        if ((terms = PySequence_Fast(PyTuple_GET_ITEM(part, 0), "sublinear(): terms must be a sequence")) == NULL) {
            goto fail;
        }
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(terms); i++) {
            PyObject *term = PySequence_Fast_GET_ITEM(terms, i);
            PyObject *held = PyDict_GetItemWithError(out, term);
            long count = units;
            if (held != NULL) {
                count += PyLong_AsLong(held);
            }
            PyObject *sum = PyErr_Occurred() ? NULL : PyLong_FromLong(count);
            if (sum == NULL || PyDict_SetItem(out, term, sum) < 0) {
                Py_XDECREF(sum);
                Py_DECREF(terms);
                goto fail;
            }
            Py_DECREF(sum);
        }
        Py_DECREF(terms);
    }
    /* Counts to weights in place: only values change, so the iteration stays valid. */
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(out, &pos, &key, &value)) {
        PyObject *weight = PyFloat_FromDouble(1.0 + log((double)PyLong_AsLong(value) / 2.0));
        if (weight == NULL || PyDict_SetItem(out, key, weight) < 0) {
            Py_XDECREF(weight);
            goto fail;
        }
        Py_DECREF(weight);
    }
    Py_DECREF(parts);
    return out;
fail:
    Py_XDECREF(out);
    Py_DECREF(parts);
    return NULL;
}

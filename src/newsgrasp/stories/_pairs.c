/* The pair model, its cache and average link (pairs.py): the numpy and SciPy versions there make
 * dozens of calls per regrouping on a few hundred numbers each, and their per-call overhead was most of
 * a regrouping's time. */
#include "_speedups.h"

/* ---- The pair model (pairs.py): P(same event) for every row member against every column member ----
 *
 * A member is its items (int64 ids, kind in the low 4 bits), their float32
 * values and its set sizes (float64).  The rows' items go into a small hash
 * table, a block of rows at a time, and each column member's items are looked
 * up once: per (row, column, kind) the products are summed, as the numpy
 * path does (float32 products summed in double, in the column's item order).
 * The recipe (from pairs.py) says how each feature comes from those sums.
 */
#define KIND_BITS 4
#define N_KINDS (1 << KIND_BITS)
#define BLOCK 16
enum { OP_PRODUCT = 0, OP_JACCARD = 1, OP_CONFLICT = 2, OP_AGREE = 3 };

typedef struct {
    Py_buffer ids, values, sizes;
    int held;  /* how many of the three buffers above are held */
} member_view;


static int
view_attr(PyObject *member, PyObject *name, Py_buffer *view, Py_ssize_t itemsize, char format)
{
    PyObject *obj = PyObject_GetAttr(member, name);
    if (obj == NULL) {
        return -1;
    }
    int failed = PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT);
    Py_DECREF(obj);
    if (failed < 0) {
        return -1;
    }
    const char *fmt = view->format ? view->format : "B";
    if (*fmt == '<' || *fmt == '=' || *fmt == '@') {
        fmt++;
    }
    int ok = view->itemsize == itemsize && (fmt[0] == format || (format == 'q' && fmt[0] == 'l' && itemsize == sizeof(long)));
    if (!ok || fmt[1] != '\0') {
        PyErr_Format(PyExc_TypeError, "pair_probabilities(): a member's %U must be a contiguous array of %c",
                     name, format);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static void
release_views(member_view *views, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (views[i].held > 0) PyBuffer_Release(&views[i].ids);
        if (views[i].held > 1) PyBuffer_Release(&views[i].values);
        if (views[i].held > 2) PyBuffer_Release(&views[i].sizes);
        views[i].held = 0;
    }
}

static int
take_views(PyObject *seq, member_view *views, Py_ssize_t n, Py_ssize_t n_sizes)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *member = PySequence_Fast_GET_ITEM(seq, i);
        views[i].held = 0;
        if (view_attr(member, k_str_ids, &views[i].ids, 8, 'q') < 0) return -1;
        views[i].held = 1;
        if (view_attr(member, k_str_values, &views[i].values, 4, 'f') < 0) return -1;
        views[i].held = 2;
        if (view_attr(member, k_str_set_sizes, &views[i].sizes, 8, 'd') < 0) return -1;
        views[i].held = 3;
        if (views[i].values.len / 4 != views[i].ids.len / 8 || views[i].sizes.len / 8 < n_sizes) {
            PyErr_SetString(PyExc_ValueError, "pair_probabilities(): a member's ids, values and set sizes disagree");
            return -1;
        }
    }
    return 0;
}

static inline size_t
slot_of(int64_t key, size_t mask)
{
    return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 17) & mask;
}

PyObject *
k_pair_probabilities(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("pair_probabilities", nargs, 6, 6) < 0) {
        return NULL;
    }
    PyObject *rows = NULL, *cols = NULL, *result = NULL;
    Py_buffer out = {0}, recipe_view = {0};
    member_view *views = NULL;
    int64_t *keys = NULL;
    int32_t *where = NULL;
    float *left = NULL;
    Py_ssize_t n_rows = 0, n_cols = 0, n_views = 0;
    double weights[64], intercept;

    if ((rows = PySequence_Fast(args[0], "pair_probabilities(): rows must be a sequence")) == NULL) goto done;
    if ((cols = PySequence_Fast(args[1], "pair_probabilities(): columns must be a sequence")) == NULL) goto done;
    if (PyObject_GetBuffer(args[2], &recipe_view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) goto done;
    if (recipe_view.itemsize != 8 || recipe_view.len % 24 != 0 || recipe_view.len / 24 > 64) {
        PyErr_SetString(PyExc_ValueError, "pair_probabilities(): the recipe must be int64 triples, 64 at most");
        goto done;
    }
    const int64_t *recipe = recipe_view.buf;
    Py_ssize_t n_features = recipe_view.len / 24, n_sizes = 0;
    for (Py_ssize_t f = 0; f < n_features; f++) {
        if (recipe[3 * f] < 0 || recipe[3 * f] > OP_AGREE || recipe[3 * f + 1] < 0 || recipe[3 * f + 1] >= N_KINDS
                || recipe[3 * f + 2] < 0 || recipe[3 * f + 2] >= 64) {
            PyErr_SetString(PyExc_ValueError, "pair_probabilities(): a recipe entry is out of range");
            goto done;
        }
        if (recipe[3 * f] != OP_PRODUCT && recipe[3 * f + 2] + 1 > n_sizes) n_sizes = recipe[3 * f + 2] + 1;
    }
    PyObject *wseq = PySequence_Fast(args[3], "pair_probabilities(): weights must be a sequence");
    if (wseq == NULL) goto done;
    if (PySequence_Fast_GET_SIZE(wseq) != n_features) {
        Py_DECREF(wseq);
        PyErr_SetString(PyExc_ValueError, "pair_probabilities(): one weight per recipe entry");
        goto done;
    }
    for (Py_ssize_t f = 0; f < n_features; f++) {
        if (as_double(PySequence_Fast_GET_ITEM(wseq, f), &weights[f]) < 0) {
            Py_DECREF(wseq);
            goto done;
        }
    }
    Py_DECREF(wseq);
    if (as_double(args[4], &intercept) < 0) goto done;

    n_rows = PySequence_Fast_GET_SIZE(rows);
    n_cols = PySequence_Fast_GET_SIZE(cols);
    if (PyObject_GetBuffer(args[5], &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0) goto done;
    if (out.itemsize != 8 || out.len != (Py_ssize_t)(n_rows * n_cols * 8)) {
        PyErr_SetString(PyExc_ValueError, "pair_probabilities(): out must be float64, rows x columns");
        goto done;
    }
    double *prob = out.buf;
    views = PyMem_Calloc((size_t)(n_rows + n_cols) + 1, sizeof(member_view));
    if (views == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (take_views(rows, views, n_rows, n_sizes) < 0) { n_views = n_rows; goto done; }
    n_views = n_rows;
    if (take_views(cols, views + n_rows, n_cols, n_sizes) < 0) { n_views = n_rows + n_cols; goto done; }
    n_views = n_rows + n_cols;
    member_view *colv = views + n_rows;

    for (Py_ssize_t start = 0; start < n_rows; start += BLOCK) {
        Py_ssize_t nb = n_rows - start < BLOCK ? n_rows - start : BLOCK, items = 0;
        for (Py_ssize_t r = 0; r < nb; r++) items += views[start + r].ids.len / 8;
        size_t cap = 16;
        while (cap < (size_t)(2 * items)) cap <<= 1;
        size_t mask = cap - 1;
        PyMem_Free(keys);
        PyMem_Free(where);
        PyMem_Free(left);
        keys = PyMem_Malloc(cap * sizeof(int64_t));
        where = PyMem_Malloc(cap * sizeof(int32_t));
        left = PyMem_Calloc((size_t)(items ? items : 1) * (size_t)nb, sizeof(float));
        if (keys == NULL || where == NULL || left == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        memset(where, 0xff, cap * sizeof(int32_t));
        int32_t distinct = 0;
        for (Py_ssize_t r = 0; r < nb; r++) {
            const int64_t *ids = views[start + r].ids.buf;
            const float *values = views[start + r].values.buf;
            Py_ssize_t n = views[start + r].ids.len / 8;
            for (Py_ssize_t k = 0; k < n; k++) {
                size_t slot = slot_of(ids[k], mask);
                while (where[slot] >= 0 && keys[slot] != ids[k]) slot = (slot + 1) & mask;
                if (where[slot] < 0) {
                    keys[slot] = ids[k];
                    where[slot] = distinct++;
                }
                left[(size_t)where[slot] * (size_t)nb + (size_t)r] = values[k];
            }
        }
        for (Py_ssize_t c = 0; c < n_cols; c++) {
            double acc[BLOCK][N_KINDS];
            memset(acc, 0, sizeof(acc));
            const int64_t *ids = colv[c].ids.buf;
            const float *values = colv[c].values.buf;
            Py_ssize_t n = colv[c].ids.len / 8;
            for (Py_ssize_t k = 0; k < n; k++) {
                size_t slot = slot_of(ids[k], mask);
                while (where[slot] >= 0 && keys[slot] != ids[k]) slot = (slot + 1) & mask;
                if (where[slot] < 0) continue;
                const float *mine = left + (size_t)where[slot] * (size_t)nb;
                int kind = (int)(ids[k] & (N_KINDS - 1));
                float v = values[k];
                for (Py_ssize_t r = 0; r < nb; r++) {
                    float product = mine[r] * v;
                    acc[r][kind] += (double)product;
                }
            }
            const double *theirs = colv[c].sizes.buf;
            for (Py_ssize_t r = 0; r < nb; r++) {
                const double *ours = views[start + r].sizes.buf;
                double z = 0.0;
                for (Py_ssize_t f = 0; f < n_features; f++) {
                    int64_t op = recipe[3 * f], kind = recipe[3 * f + 1], at = recipe[3 * f + 2];
                    double shared = acc[r][kind], x;
                    if (op == OP_PRODUCT) {
                        x = shared;
                    }
                    else if (op == OP_JACCARD) {
                        double uni = ours[at] + theirs[at] - shared;
                        x = uni > 0.0 ? shared / uni : 0.0;
                    }
                    else if (op == OP_CONFLICT) {
                        x = (ours[at] > 0.0 && theirs[at] > 0.0 && shared == 0.0) ? 1.0 : 0.0;
                    }
                    else {
                        x = shared > 0.0 ? 1.0 : 0.0;
                    }
                    z += x * weights[f];
                }
                z += intercept;
                prob[(start + r) * n_cols + c] = 1.0 / (1.0 + exp(-z));
            }
        }
    }
    result = Py_NewRef(Py_None);
done:
    if (views != NULL) {
        release_views(views, n_views);
        PyMem_Free(views);
    }
    PyMem_Free(keys);
    PyMem_Free(where);
    PyMem_Free(left);
    if (out.obj != NULL) PyBuffer_Release(&out);
    if (recipe_view.obj != NULL) PyBuffer_Release(&recipe_view);
    Py_XDECREF(rows);
    Py_XDECREF(cols);
    return result;
}


/* ---- The pair model's encoding (pairs.PairEncoder.encode) ----
 *
 * encode(groups, kinds, n_vectors, table, word_counts, rare_cut, word_weights, rare_kind):
 * every key of every group looked up in table (key -> int id), tagged with its
 * group's kind; the words held by at most rare_cut documents once more as
 * rare items; values are the vectors' weights (float32), 1 for set items.
 * Returns (ids as int64 bytes, values as float32 bytes, rare count), or the
 * list of keys not in the table yet, in order (the caller assigns ids and retries).
 */
static int
note_missing(PyObject **missing, PyObject *key)
{
    if (*missing == NULL && (*missing = PyList_New(0)) == NULL) return -1;
    return PyList_Append(*missing, key);
}

PyObject *
k_encode(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("encode", nargs, 8, 8) < 0) {
        return NULL;
    }
    PyObject *groups = NULL, *kinds = NULL, *table = args[3], *result = NULL, *ids_out = NULL, *values_out = NULL;
    PyObject *missing = NULL;
    Py_buffer counts = {0}, weights = {0};
    Py_ssize_t n_vectors = PyLong_AsSsize_t(args[2]), rare_kind = PyLong_AsSsize_t(args[7]);
    double rare_cut;
    if (PyErr_Occurred() || as_double(args[5], &rare_cut) < 0) return NULL;
    if (check_dict(table, "encode()'s table") < 0) return NULL;
    if ((groups = PySequence_Fast(args[0], "encode(): groups must be a sequence")) == NULL) goto done;
    if ((kinds = PySequence_Fast(args[1], "encode(): kinds must be a sequence")) == NULL) goto done;
    Py_ssize_t n_groups = PySequence_Fast_GET_SIZE(groups);
    if (PySequence_Fast_GET_SIZE(kinds) != n_groups || n_vectors < 1 || n_vectors > n_groups) {
        PyErr_SetString(PyExc_ValueError, "encode(): one kind per group, and at least the words as a vector");
        goto done;
    }
    PyObject *words = PySequence_Fast_GET_ITEM(groups, 0);
    if (check_dict(words, "encode()'s words") < 0) goto done;
    Py_ssize_t n_words = PyDict_GET_SIZE(words), total = 0;
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        Py_ssize_t size = PyObject_Size(PySequence_Fast_GET_ITEM(groups, g));
        if (size < 0) goto done;
        total += size;
    }
    /* An int64 array, or the bytes weigh_counted() gives. */
    if (PyObject_GetBuffer(args[4], &counts, PyBUF_C_CONTIGUOUS) < 0) goto done;
    if (counts.len != n_words * 8) {
        PyErr_SetString(PyExc_ValueError, "encode(): word_counts must be int64, one per word");
        goto done;
    }
    const int64_t *count = counts.buf;
    const double *weight = NULL;
    if (args[6] != Py_None) {
        if (PyObject_GetBuffer(args[6], &weights, PyBUF_C_CONTIGUOUS) < 0) goto done;
        if (weights.len != n_words * 8) {
            PyErr_SetString(PyExc_ValueError, "encode(): word_weights must be float64, one per word");
            goto done;
        }
        weight = weights.buf;
    }
    Py_ssize_t n_rare = 0;
    for (Py_ssize_t i = 0; i < n_words; i++) n_rare += (double)count[i] <= rare_cut;
    ids_out = PyBytes_FromStringAndSize(NULL, (total + n_rare) * 8);
    values_out = PyBytes_FromStringAndSize(NULL, (total + n_rare) * 4);
    if (ids_out == NULL || values_out == NULL) goto done;
    int64_t *ids = (int64_t *)PyBytes_AS_STRING(ids_out);
    float *values = (float *)PyBytes_AS_STRING(values_out);
    Py_ssize_t at = 0, rare_at = total;
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        PyObject *group = PySequence_Fast_GET_ITEM(groups, g);
        Py_ssize_t kind = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(kinds, g));
        if (kind == -1 && PyErr_Occurred()) goto done;
        if (g < n_vectors) {
            if (check_dict(group, "encode()'s vectors") < 0) goto done;
            Py_ssize_t pos = 0, i = 0;
            PyObject *key, *value;
            while (PyDict_Next(group, &pos, &key, &value)) {
                PyObject *id = PyDict_GetItemWithError(table, key);
                if (id == NULL) {
                    if (PyErr_Occurred() || note_missing(&missing, key) < 0) goto done;
                    at++;
                    i++;
                    continue;
                }
                int64_t base = PyLong_AsLongLong(id);
                if (base == -1 && PyErr_Occurred()) goto done;
                double v;
                if (g == 0 && weight != NULL) v = weight[i];
                else if (as_weight(value, key, "encode()'s vectors", &v) < 0) goto done;
                ids[at] = (base << KIND_BITS) | kind;
                values[at] = (float)v;
                at++;
                if (g == 0 && (double)count[i] <= rare_cut) {
                    ids[rare_at] = (base << KIND_BITS) | rare_kind;
                    values[rare_at] = 1.0f;
                    rare_at++;
                }
                i++;
            }
        }
        else {
            PyObject *it = PyObject_GetIter(group), *key;
            if (it == NULL) goto done;
            while ((key = PyIter_Next(it)) != NULL) {
                PyObject *id = PyDict_GetItemWithError(table, key);
                if (id == NULL) {
                    int failed = PyErr_Occurred() || note_missing(&missing, key) < 0;
                    Py_DECREF(key);
                    if (failed) {
                        Py_DECREF(it);
                        goto done;
                    }
                    at++;
                    continue;
                }
                Py_DECREF(key);
                int64_t base = PyLong_AsLongLong(id);
                if (base == -1 && PyErr_Occurred()) {
                    Py_DECREF(it);
                    goto done;
                }
                ids[at] = (base << KIND_BITS) | kind;
                values[at] = 1.0f;
                at++;
            }
            Py_DECREF(it);
            if (PyErr_Occurred()) goto done;
        }
    }
    if (at != total) {
        PyErr_SetString(PyExc_RuntimeError, "encode(): a group changed size while it was read");
        goto done;
    }
    result = missing != NULL ? Py_NewRef(missing) : Py_BuildValue("(OOn)", ids_out, values_out, n_rare);
done:
    Py_XDECREF(missing);
    Py_XDECREF(ids_out);
    Py_XDECREF(values_out);
    if (counts.obj != NULL) PyBuffer_Release(&counts);
    if (weights.obj != NULL) PyBuffer_Release(&weights);
    Py_XDECREF(groups);
    Py_XDECREF(kinds);
    return result;
}

/* ---- Average link (pairs.average_link): group items until no two groups average the threshold ----
 *
 * Greedy agglomeration on a similarity matrix (n x n, float64): the two
 * groups with the highest average similarity merge while it reaches the
 * threshold.  Returns each item's group as its smallest member's index.
 */
PyObject *
k_average_link(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("average_link", nargs, 2, 2) < 0) {
        return NULL;
    }
    Py_buffer view;
    double threshold;
    if (as_double(args[1], &threshold) < 0) return NULL;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    Py_ssize_t cells = view.len / 8, n = 0;
    while (n * n < cells) n++;
    if (view.itemsize != 8 || n * n != cells) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "average_link(): similarity must be a square float64 matrix");
        return NULL;
    }
    double *sim = PyMem_Malloc(sizeof(double) * (size_t)(cells ? cells : 1));
    Py_ssize_t *size = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n ? n : 1));
    Py_ssize_t *parent = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n ? n : 1));
    PyObject *labels = NULL;
    if (sim == NULL || size == NULL || parent == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(sim, view.buf, sizeof(double) * (size_t)cells);
    for (Py_ssize_t i = 0; i < n; i++) {
        size[i] = 1;      /* 0 once merged into another group */
        parent[i] = i;
    }
    for (;;) {
        double best = -INFINITY;
        Py_ssize_t bi = -1, bj = -1;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!size[i]) continue;
            const double *row = sim + i * n;
            for (Py_ssize_t j = i + 1; j < n; j++) {
                if (size[j] && row[j] > best) {
                    best = row[j];
                    bi = i;
                    bj = j;
                }
            }
        }
        if (bi < 0 || !(best >= threshold)) break;
        double wi = (double)size[bi], wj = (double)size[bj];
        for (Py_ssize_t k = 0; k < n; k++) {
            if (!size[k] || k == bi || k == bj) continue;
            /* Only the upper triangle (row < column) is read above. */
            double a = bi < k ? sim[bi * n + k] : sim[k * n + bi];
            double b = bj < k ? sim[bj * n + k] : sim[k * n + bj];
            double merged = (wi * a + wj * b) / (wi + wj);
            if (bi < k) sim[bi * n + k] = merged;
            else sim[k * n + bi] = merged;
        }
        size[bi] += size[bj];
        size[bj] = 0;
        parent[bj] = bi;
    }
    labels = PyList_New(n);
    if (labels == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t root = i;
        while (parent[root] != root) root = parent[root];
        /* Groups merge into their lower index, so the root is the smallest member. */
        PyObject *label = PyLong_FromSsize_t(root);
        if (label == NULL) {
            Py_CLEAR(labels);
            goto done;
        }
        PyList_SET_ITEM(labels, i, label);
    }
done:
    PyMem_Free(sim);
    PyMem_Free(size);
    PyMem_Free(parent);
    PyBuffer_Release(&view);
    return labels;
}


/* ---- The pair cache (pairs.PairScorer): a dict from member key to {member key: probability} ---- */

/* The arguments pair_lookup() and pair_store() share: the cache, row keys, column keys and a float64
 * matrix of rows x columns.  On success *rows and *cols are new references and *view is held. */
static int
cache_arguments(PyObject *const *args, const char *name, int writable, PyObject **rows, PyObject **cols,
                Py_buffer *view)
{
    char what[64];
    *rows = *cols = NULL;
    snprintf(what, sizeof(what), "%s()'s cache", name);
    if (check_dict(args[0], what) < 0) return -1;
    snprintf(what, sizeof(what), "%s(): the row keys must be a sequence", name);
    if ((*rows = PySequence_Fast(args[1], what)) == NULL) return -1;
    snprintf(what, sizeof(what), "%s(): the column keys must be a sequence", name);
    if ((*cols = PySequence_Fast(args[2], what)) == NULL) goto fail;
    snprintf(what, sizeof(what), "%s()'s matrix", name);
    if (float64_matrix(args[3], view, PySequence_Fast_GET_SIZE(*rows), PySequence_Fast_GET_SIZE(*cols), writable,
                       what) < 0) {
        goto fail;
    }
    return 0;
fail:
    Py_CLEAR(*rows);
    Py_CLEAR(*cols);
    return -1;
}

/* pair_lookup(known, row_keys, col_keys, out): out[i, j] = known[row_keys[i]][col_keys[j]], NaN where unknown. */
PyObject *
k_pair_lookup(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("pair_lookup", nargs, 4, 4) < 0) {
        return NULL;
    }
    PyObject *known = args[0], *rows, *cols, *result = NULL;
    Py_buffer out = {0};
    if (cache_arguments(args, "pair_lookup", 1, &rows, &cols, &out) < 0) return NULL;
    Py_ssize_t n_rows = PySequence_Fast_GET_SIZE(rows), n_cols = PySequence_Fast_GET_SIZE(cols);
    double *cell = out.buf;
    for (Py_ssize_t i = 0; i < n_rows; i++) {
        PyObject *row = PyDict_GetItemWithError(known, PySequence_Fast_GET_ITEM(rows, i));
        if (row == NULL && PyErr_Occurred()) goto done;
        if (row != NULL && check_dict(row, "a pair cache row") < 0) goto done;
        for (Py_ssize_t j = 0; j < n_cols; j++) {
            double v = NAN;
            if (row != NULL) {
                PyObject *hit = PyDict_GetItemWithError(row, PySequence_Fast_GET_ITEM(cols, j));
                if (hit == NULL) {
                    if (PyErr_Occurred()) goto done;
                }
                else if (as_double(hit, &v) < 0) {
                    goto done;
                }
            }
            cell[i * n_cols + j] = v;
        }
    }
    result = Py_NewRef(Py_None);
done:
    if (out.obj != NULL) PyBuffer_Release(&out);
    Py_XDECREF(rows);
    Py_XDECREF(cols);
    return result;
}

/* pair_cover(prob): rows whose computing fills every NaN of a symmetric n x n matrix, sorted (a greedy
 * vertex cover: rows wholly unknown first, then the row with the most unknowns, the first of equals). */
PyObject *
k_pair_cover(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("pair_cover", nargs, 2, 2) < 0) {
        return NULL;
    }
    Py_ssize_t n = PyLong_AsSsize_t(args[1]);
    if (n < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "pair_cover(): n must be >= 0");
        return NULL;
    }
    Py_buffer view;
    if (float64_matrix(args[0], &view, n, n, 0, "pair_cover()'s matrix") < 0) return NULL;
    const double *prob = view.buf;
    unsigned char *missing = PyMem_Malloc((size_t)(n > 0 ? n * n : 1));
    Py_ssize_t *degree = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n ? n : 1));
    unsigned char *chosen = PyMem_Calloc((size_t)(n ? n : 1), 1);
    PyObject *out = NULL;
    if (missing == NULL || degree == NULL || chosen == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n * n; i++) missing[i] = prob[i] != prob[i];
    for (Py_ssize_t i = 0; i < n; i++) {
        degree[i] = 0;
        for (Py_ssize_t j = 0; j < n; j++) degree[i] += missing[i * n + j];
    }
    /* Rows never met (all but at most the diagonal unknown) are in any cover: take them at once. */
    for (Py_ssize_t i = 0; i < n; i++) chosen[i] = degree[i] >= n - 1;
    for (;;) {
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!chosen[i]) continue;
            for (Py_ssize_t j = 0; j < n; j++) missing[i * n + j] = missing[j * n + i] = 0;
        }
        Py_ssize_t top = -1, most = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_ssize_t d = 0;
            for (Py_ssize_t j = 0; j < n; j++) d += missing[i * n + j];
            if (d > most) {
                most = d;
                top = i;
            }
        }
        if (top < 0) break;
        chosen[top] = 1;
    }
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < n; i++) count += chosen[i];
    out = PyList_New(count);
    if (out == NULL) goto done;
    for (Py_ssize_t i = 0, k = 0; i < n; i++) {
        if (!chosen[i]) continue;
        PyObject *row = PyLong_FromSsize_t(i);
        if (row == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, k++, row);
    }
done:
    PyMem_Free(missing);
    PyMem_Free(degree);
    PyMem_Free(chosen);
    PyBuffer_Release(&view);
    return out;
}

/* known[key] as a dict, made if absent (a new reference). */
static PyObject *
cache_row(PyObject *known, PyObject *key)
{
    PyObject *row = PyDict_GetItemWithError(known, key);
    if (row != NULL) {
        if (check_dict(row, "a pair cache row") < 0) return NULL;
        return Py_NewRef(row);
    }
    if (PyErr_Occurred() || (row = PyDict_New()) == NULL) return NULL;
    if (PyDict_SetItem(known, key, row) < 0) {
        Py_DECREF(row);
        return NULL;
    }
    return row;
}

/* pair_store(known, row_keys, col_keys, prob): remember prob[i, j] for (row i, column j), both ways round. */
PyObject *
k_pair_store(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("pair_store", nargs, 4, 4) < 0) {
        return NULL;
    }
    PyObject *known = args[0], *rows, *cols, *result = NULL;
    Py_buffer view = {0};
    if (cache_arguments(args, "pair_store", 0, &rows, &cols, &view) < 0) return NULL;
    Py_ssize_t n_rows = PySequence_Fast_GET_SIZE(rows), n_cols = PySequence_Fast_GET_SIZE(cols);
    const double *prob = view.buf;
    /* Row by row, then column by column, as the dict updates in Python would go. */
    for (int side = 0; side < 2; side++) {
        Py_ssize_t outer = side ? n_cols : n_rows, inner = side ? n_rows : n_cols;
        PyObject *outer_keys = side ? cols : rows, *inner_keys = side ? rows : cols;
        for (Py_ssize_t a = 0; a < outer; a++) {
            PyObject *row = cache_row(known, PySequence_Fast_GET_ITEM(outer_keys, a));
            if (row == NULL) goto done;
            for (Py_ssize_t b = 0; b < inner; b++) {
                double v = side ? prob[b * n_cols + a] : prob[a * n_cols + b];
                PyObject *value = PyFloat_FromDouble(v);
                if (value == NULL || PyDict_SetItem(row, PySequence_Fast_GET_ITEM(inner_keys, b), value) < 0) {
                    Py_XDECREF(value);
                    Py_DECREF(row);
                    goto done;
                }
                Py_DECREF(value);
            }
            Py_DECREF(row);
        }
    }
    result = Py_NewRef(Py_None);
done:
    if (view.obj != NULL) PyBuffer_Release(&view);
    Py_XDECREF(rows);
    Py_XDECREF(cols);
    return result;
}

/* time_factors(rows, cols, day, window_days, scale_days, out): out[i, j] = 1 / (1 + d / scale_days), d the
 * days between stamps i and j beyond window_days (0 within it), 1 where either stamp is None. */
PyObject *
k_time_factors(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("time_factors", nargs, 6, 6) < 0) {
        return NULL;
    }
    PyObject *rows = NULL, *cols = NULL, *result = NULL;
    Py_buffer out = {0};
    double day, window, scale, *left = NULL, *right = NULL;
    if (as_double(args[2], &day) < 0 || as_double(args[3], &window) < 0 || as_double(args[4], &scale) < 0) {
        return NULL;
    }
    if ((rows = PySequence_Fast(args[0], "time_factors(): rows must be a sequence")) == NULL) goto done;
    if ((cols = PySequence_Fast(args[1], "time_factors(): columns must be a sequence")) == NULL) goto done;
    Py_ssize_t n_rows = PySequence_Fast_GET_SIZE(rows), n_cols = PySequence_Fast_GET_SIZE(cols);
    if (float64_matrix(args[5], &out, n_rows, n_cols, 1, "time_factors()'s out") < 0) goto done;
    left = PyMem_Malloc(sizeof(double) * (size_t)(n_rows + 1));
    right = PyMem_Malloc(sizeof(double) * (size_t)(n_cols + 1));
    if (left == NULL || right == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (int side = 0; side < 2; side++) {
        PyObject *seq = side ? cols : rows;
        double *stamps = side ? right : left;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
            PyObject *stamp = PySequence_Fast_GET_ITEM(seq, i);
            if (stamp == Py_None) stamps[i] = NAN;
            else if (as_double(stamp, &stamps[i]) < 0) goto done;
        }
    }
    double *cell = out.buf;
    for (Py_ssize_t i = 0; i < n_rows; i++) {
        for (Py_ssize_t j = 0; j < n_cols; j++) {
            double days = fabs(left[i] - right[j]) / day - window;
            if (days != days) {
                cell[i * n_cols + j] = 1.0;
            }
            else {
                if (days < 0.0) days = 0.0;
                cell[i * n_cols + j] = 1.0 / (1.0 + days / scale);
            }
        }
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(left);
    PyMem_Free(right);
    if (out.obj != NULL) PyBuffer_Release(&out);
    Py_XDECREF(rows);
    Py_XDECREF(cols);
    return result;
}

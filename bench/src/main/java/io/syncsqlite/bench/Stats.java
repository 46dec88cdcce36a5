package io.syncsqlite.bench;

import java.util.Arrays;

/** Median and spread of a series of measurements. */
record Stats(double median, double min, double max, int n) {
    static Stats of(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("no measurements");
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
        return new Stats(median, v[0], v[v.length - 1], v.length);
    }
}

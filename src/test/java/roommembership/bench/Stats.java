package roommembership.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Median and spread of repeated measurements. */
record Stats(double median, double min, double max, int runs) {

    static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** "median (min–max, n runs)" with the given unit and decimals. */
    String format(String unit, int decimals) {
        String number = "%,." + decimals + "f";
        return String.format(Locale.ROOT, number + " %s (" + number + "–" + number + ", %d runs)",
                median, unit, min, max, runs);
    }
}

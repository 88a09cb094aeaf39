package org.echofs.tests.process;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads a Prometheus text-format endpoint (the gateway's {@code /metrics}) into name → value.
 * Stateless; {@link #scrape} opens one HTTP connection per call. Fails with {@link IOException} when
 * the endpoint does not answer 200 within the timeout.
 */
public final class Prometheus {

    private Prometheus() {
    }

    /** One scrape: sample names (with their labels, if any, as written) to values. Immutable. */
    public static final class Sample {
        private final Map<String, Double> values;

        Sample(Map<String, Double> values) {
            this.values = Collections.unmodifiableMap(values);
        }

        /** The value of {@code name}; throws if the scrape has no such sample. */
        public double value(String name) {
            Double v = values.get(name);
            if (v == null) throw new NoSuchElementException("no sample " + name + " in the scrape");
            return v;
        }

        /** The value of {@code name}, or {@code otherwise} when absent. */
        public double value(String name, double otherwise) {
            return values.getOrDefault(name, otherwise);
        }

        public Map<String, Double> all() {
            return values;
        }
    }

    /** GETs {@code url} and parses it. */
    public static Sample scrape(URI url, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        c.setConnectTimeout((int) timeout.toMillis());
        c.setReadTimeout((int) timeout.toMillis());
        c.setRequestProperty("Accept", "text/plain; version=0.0.4");
        try {
            int code = c.getResponseCode();
            if (code != 200) throw new IOException(url + " answered HTTP " + code);
            try (InputStream in = c.getInputStream()) {
                return new Sample(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        } finally {
            c.disconnect();
        }
    }

    /** Parses the text exposition format: {@code name[{labels}] value [timestamp]}; comments skipped. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int end = line.indexOf('}');
            int space = line.indexOf(' ', end < 0 ? 0 : end);
            if (space < 0) continue;
            String name = line.substring(0, space);
            String rest = line.substring(space + 1).trim();
            int sp = rest.indexOf(' ');
            String value = sp < 0 ? rest : rest.substring(0, sp);
            try {
                m.put(name, Double.parseDouble(value.replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
            } catch (NumberFormatException e) {
                // not a sample line we understand; skip it
            }
        }
        return m;
    }
}

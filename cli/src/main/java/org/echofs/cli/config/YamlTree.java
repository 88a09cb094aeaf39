package org.echofs.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read with Jackson's streaming parser into a small tree that remembers the line
 * of every key and value, so that every configuration error can name its line.
 */
final class YamlTree {

    /** A node of the tree. */
    sealed interface Node permits MapNode, ScalarNode, ListNode {
        int line();

        String kind();
    }

    /** One key of a mapping: its line and its value. */
    record Entry(String key, int line, Node value) {
    }

    record MapNode(int line, Map<String, Entry> entries) implements Node {
        @Override
        public String kind() {
            return "a mapping";
        }
    }

    record ListNode(int line, List<Node> items) implements Node {
        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A scalar; {@code token} tells how YAML typed it (string, integer, float, boolean, null). */
    record ScalarNode(int line, JsonToken token, String text) implements Node {
        @Override
        public String kind() {
            return switch (token) {
                case VALUE_NULL -> "nothing";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NUMBER_INT -> "an integer";
                case VALUE_NUMBER_FLOAT -> "a number with a fraction";
                default -> "text";
            };
        }
    }

    private YamlTree() {
    }

    /**
     * Reads {@code text}. An empty document is an empty mapping. Syntax errors, duplicate keys
     * and a second document are problems with file and line.
     */
    static Node read(String text, Path file) throws ConfigException {
        List<String> problems = new ArrayList<>();
        try (JsonParser p = YAMLFactory.builder().build().createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new MapNode(1, Map.of());
            }
            Node root = readNode(p, file, problems);
            if (p.nextToken() != null) {
                problems.add(ConfigException.where(file, line(p)) + "only one YAML document is allowed");
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String message = e.getOriginalMessage().replaceAll("\\s+", " ").trim();
            throw ConfigException.at(file, at == null ? 0 : at.getLineNr(), "YAML syntax error: " + message);
        } catch (IOException e) {
            throw ConfigException.at(file, 0, "cannot read: " + e.getMessage());
        }
    }

    private static Node readNode(JsonParser p, Path file, List<String> problems) throws IOException {
        int line = line(p);
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = line(p);
                p.nextToken();
                Node value = readNode(p, file, problems);
                Entry earlier = entries.putIfAbsent(key, new Entry(key, keyLine, value));
                if (earlier != null) {
                    problems.add(ConfigException.where(file, keyLine) + "duplicate key '" + key
                            + "' (first at line " + earlier.line() + ")");
                }
            }
            return new MapNode(line, entries);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                items.add(readNode(p, file, problems));
            }
            return new ListNode(line, items);
        }
        return new ScalarNode(line, t, t == JsonToken.VALUE_NULL ? null : p.getText());
    }

    private static int line(JsonParser p) {
        JsonLocation at = p.currentTokenLocation();
        return at == null ? 0 : at.getLineNr();
    }
}

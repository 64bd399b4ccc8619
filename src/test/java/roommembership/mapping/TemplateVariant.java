package roommembership.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of {@code template.yaml} as CloudFormation resolves it for one {@code QueueType}: every
 * {@code !If [IsFifo, a, b]} (flow form, or a block list item of three lines) replaced by the value it chooses, and a
 * {@code key: !Ref AWS::NoValue} line it leaves dropped. The rest of the template is left as it is.
 */
final class TemplateVariant {
    private static final String FLOW_IF = "!If [IsFifo,";
    private static final Pattern BLOCK_IF = Pattern.compile(
            "(?m)^( *)- !If\\n\\1  - IsFifo\\n\\1  - (.*)\\n\\1  - (.*)\\n");
    private static final Pattern NO_VALUE_LINE = Pattern.compile("(?m)^ *[A-Za-z]+: !Ref AWS::NoValue *\\n");

    private TemplateVariant() {
    }

    static String of(String template, boolean fifo) {
        Matcher block = BLOCK_IF.matcher(template);
        String text = block.replaceAll(match -> Matcher.quoteReplacement(
                match.group(1) + "- " + (fifo ? match.group(2) : match.group(3)) + "\n"));
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at = text.indexOf(FLOW_IF); at >= 0; at = text.indexOf(FLOW_IF, from)) {
            out.append(text, from, at);
            int end = closingBracket(text, at + "!If ".length());
            List<String> arguments = arguments(text.substring(at + "!If [".length(), end));
            if (arguments.size() != 3) {
                throw new IllegalStateException("an !If without two values: " + text.substring(at, end + 1));
            }
            out.append(fifo ? arguments.get(1) : arguments.get(2));
            from = end + 1;
        }
        out.append(text.substring(from));
        return NO_VALUE_LINE.matcher(out).replaceAll("");
    }

    /** The index of the {@code ]} that closes the {@code [} at {@code open}, quotes and nested brackets skipped. */
    private static int closingBracket(String text, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '[') {
                depth++;
            } else if (!quoted && c == ']' && --depth == 0) {
                return i;
            } else if (c == '\n') {
                break;
            }
        }
        throw new IllegalStateException("an !If [...] that does not close on its line");
    }

    /** The comma-separated arguments of a flow list, trimmed; commas inside quotes or brackets do not split. */
    private static List<String> arguments(String list) {
        List<String> arguments = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '[' || c == '{')) {
                depth++;
            } else if (!quoted && (c == ']' || c == '}')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                arguments.add(list.substring(start, i).strip());
                start = i + 1;
            }
        }
        arguments.add(list.substring(start).strip());
        return arguments;
    }
}

package roommembership.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link of the project's Markdown pages leads somewhere: to a file that exists, and, with a
 * {@code #anchor}, to a heading of that page as GitHub names it. A page moved or a heading renamed fails here.
 */
class DocumentationLinksTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", "."));
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+?)\\s*#*\\s*$");

    @Test
    void everyRelativeLinkAndAnchorOfThePagesResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            for (String target : links(page)) {
                problem(page, target).ifPresent(broken::add);
            }
        }

        assertThat(broken).isEmpty();
    }

    @Test
    void theReferencePagesExistAndEachOpensWithItsTableOfContents() throws IOException {
        List<Path> docs = docs();

        assertThat(docs).extracting(path -> path.getFileName().toString()).contains("message-contract.md",
                "dead-letters.md", "configuration.md", "rosters.md", "deploy.md", "operate.md", "limits.md");
        for (Path page : docs) {
            List<String> lines = Files.readAllLines(page);
            List<String> toc = lines.stream().skip(1).dropWhile(String::isBlank).takeWhile(line -> line.startsWith("- ["))
                    .toList();
            List<String> sections = lines.stream().filter(line -> line.startsWith("## ")).map(line -> line.substring(3))
                    .toList();
            assertThat(lines.get(0)).as(page.toString()).startsWith("# ");
            assertThat(toc).as(page + ": its table of contents, one entry per section")
                    .containsExactlyElementsOf(sections.stream().map(s -> "- [" + s + "](#" + anchor(s) + ")").toList());
        }
    }

    @Test
    void anchorsAreNamedAsGitHubNamesThem() {
        assertThat(anchor("Call rate and Chime's quotas")).isEqualTo("call-rate-and-chimes-quotas");
        assertThat(anchor("What `sam build` deploys, and the function's role"))
                .isEqualTo("what-sam-build-deploys-and-the-functions-role");
        assertThat(anchor("Redrive runbook (failed-member queue)")).isEqualTo("redrive-runbook-failed-member-queue");
        assertThat(anchor("The local stack: the function as deployed, without Docker or AWS"))
                .isEqualTo("the-local-stack-the-function-as-deployed-without-docker-or-aws");
        assertThat(anchor("end to end, rooms, CHIME_MAX_TPS 20 (the default)"))
                .isEqualTo("end-to-end-rooms-chime_max_tps-20-the-default");
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        for (String name : List.of("README.md", "ARCHITECTURE.md", "BENCHMARKS.md", "RELIABILITY.md")) {
            pages.add(ROOT.resolve(name));
        }
        pages.addAll(docs());
        return pages;
    }

    private static List<Path> docs() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            return files.filter(path -> path.toString().endsWith(".md")).sorted().toList();
        }
    }

    /** The link targets of a page, outside its code blocks and code spans. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher link = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (link.find()) {
                targets.add(link.group(1));
            }
        }
        return targets;
    }

    private static Optional<String> problem(Path page, String target) {
        if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
            return Optional.empty();
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(linked)) {
            return Optional.of(page + ": " + target + " (no file " + linked + ")");
        }
        if (hash < 0) {
            return Optional.empty();
        }
        String fragment = target.substring(hash + 1);
        if (!Files.isRegularFile(linked) || !linked.toString().endsWith(".md")) {
            return Optional.of(page + ": " + target + " (an anchor into a page that is not Markdown)");
        }
        return anchors(linked).contains(fragment) ? Optional.empty()
                : Optional.of(page + ": " + target + " (no heading with that anchor in " + linked + ")");
    }

    /** The anchors GitHub gives a page's headings, a repeated one numbered as GitHub numbers it. */
    private static Set<String> anchors(Path page) {
        try {
            Set<String> anchors = new HashSet<>();
            boolean fenced = false;
            for (String line : Files.readAllLines(page)) {
                if (line.strip().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                Matcher heading = HEADING.matcher(line);
                if (!fenced && heading.matches()) {
                    String anchor = anchor(heading.group(1));
                    String unique = anchor;
                    for (int n = 1; !anchors.add(unique); n++) {
                        unique = anchor + "-" + n;
                    }
                }
            }
            return anchors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GitHub's rule: lower case, punctuation but '-' and '_' dropped, each space a '-'. */
    static String anchor(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        StringBuilder anchor = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                anchor.appendCodePoint(c);
            } else if (c == ' ') {
                anchor.append('-');
            }
        });
        return anchor.toString();
    }
}

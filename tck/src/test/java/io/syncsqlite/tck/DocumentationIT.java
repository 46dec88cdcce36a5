package io.syncsqlite.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README stays the short front door, every link between the README and {@code docs/} leads somewhere (a file
 * of the repository and, after {@code #}, one of its headings), and no source file cites a document the repository
 * does not contain. Snippets are checked by {@link DocSnippetsIT}.
 */
class DocumentationIT {
    /** The README is the front door: what it is, the quick start, the two commands, where to go next. */
    private static final int README_MAX_LINES = 150;
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");

    @Test
    void theReadmeIsTheShortFrontDoor() throws IOException {
        long lines = Files.readAllLines(root().resolve("README.md")).size();
        assertTrue(lines <= README_MAX_LINES, "README.md has " + lines + " lines; details belong in docs/ (at most " + README_MAX_LINES + ")");
    }

    @Test
    void everyLinkOfTheReadmeAndDocsLeadsToAFileAndHeadingOfTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            List<String> lines = Files.readAllLines(page);
            boolean inCode = false;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("```")) inCode = !inCode;
                if (inCode) continue;
                Matcher m = LINK.matcher(lines.get(i));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("[a-z]+:.*")) continue; // https:, mailto: — not the repository's
                    String problem = problem(page, target);
                    if (problem != null) broken.add(root().relativize(page) + ":" + (i + 1) + ": " + target + " — " + problem);
                }
            }
        }
        assertTrue(broken.isEmpty(), "links that lead nowhere:\n" + String.join("\n", broken));
    }

    @Test
    void noSourceCitesADocumentTheRepositoryDoesNotContain() throws IOException {
        List<String> citing = new ArrayList<>();
        Files.walkFileTree(root(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return name.equals("target") || name.startsWith(".") && !dir.equals(root()) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                // this test names the document it looks for, so it is the one file not read
                if (isSource(f) && !f.getFileName().toString().equals("DocumentationIT.java")) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).contains("DESIGN.md")) citing.add(root().relativize(f) + ":" + (i + 1));
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        assertTrue(citing.isEmpty(), "code comments cite DESIGN.md, which users do not have; cite docs/<page>.md instead: " + citing);
    }

    /** What is wrong with {@code target} as a link of {@code page}, or {@code null}. */
    private static String problem(Path page, String target) throws IOException {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!resolved.startsWith(root())) return "outside the repository";
        if (!Files.exists(resolved)) return "no such file";
        if (hash < 0) return null;
        if (!resolved.toString().endsWith(".md")) return "an anchor into a file that is not a page";
        String anchor = target.substring(hash + 1);
        return anchors(resolved).contains(anchor) ? null : "no heading #" + anchor + " in " + root().relativize(resolved);
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> out = new HashSet<>();
        boolean inCode = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) inCode = !inCode;
            Matcher m = HEADING.matcher(line);
            if (inCode || !m.matches()) continue;
            String slug = m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[`*_]", "").replaceAll("[^\\p{L}\\p{N} -]", "").replace(' ', '-');
            String unique = slug;
            for (int n = 1; !out.add(unique); n++) unique = slug + "-" + n;
        }
        return out;
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(root().resolve("README.md"), root().resolve("CHANGELOG.md")));
        try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    private static boolean isSource(Path f) {
        String name = f.getFileName().toString();
        return name.endsWith(".java") || name.endsWith(".html") || name.endsWith(".sh") || name.endsWith(".xml") || name.endsWith(".properties");
    }

    private static Path root() {
        return DocSnippetsIT.root();
    }
}

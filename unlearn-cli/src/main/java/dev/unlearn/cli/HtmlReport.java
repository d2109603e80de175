package dev.unlearn.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code index.html}: one self-contained page per run (no script, no external file) with every
 * table of the printed Markdown and every chart inline as SVG, for people who read reports in a
 * browser. The Markdown is the scoreboard's own (headings, paragraphs, lists, pipe tables), turned
 * into HTML here with everything escaped.
 */
final class HtmlReport {
  /** One model family's part: its Markdown and its charts (SVG documents). */
  record Section(String markdown, List<String> charts) {}

  private HtmlReport() {}

  static Path write(Path dir, String title, List<Section> sections, String footer) {
    StringBuilder b = new StringBuilder(1 << 16);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(escape(title)).append("</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:100em}\n")
        .append("table{border-collapse:collapse;font-size:13px;margin:1em 0}\n")
        .append("th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}\n")
        .append("th:first-child,td:first-child{text-align:left}\n")
        .append("tr:nth-child(even){background:#f6f6f6}\n")
        .append(".charts{display:flex;flex-wrap:wrap;gap:1em}\n")
        .append(".charts svg{border:1px solid #ddd;max-width:100%;height:auto}\n")
        .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
    for (Section s : sections) {
      b.append(html(s.markdown()));
      if (!s.charts().isEmpty()) {
        b.append("<div class=\"charts\">\n");
        for (String svg : s.charts()) {
          b.append(stripXmlDeclaration(svg)).append('\n');
        }
        b.append("</div>\n");
      }
    }
    b.append("<p>").append(escape(footer)).append("</p>\n</body>\n</html>\n");
    return Output.text(dir.resolve("index.html"), b);
  }

  /** The scoreboard's Markdown subset as HTML. */
  static String html(String markdown) {
    StringBuilder b = new StringBuilder();
    List<String> paragraph = new ArrayList<>();
    List<List<String>> table = new ArrayList<>();
    boolean list = false;
    for (String line : markdown.split("\n", -1)) {
      String t = line.strip();
      if (!t.startsWith("|") && !table.isEmpty()) {
        b.append(table(table));
        table.clear();
      }
      if (!t.startsWith("- ") && list) {
        b.append("</ul>\n");
        list = false;
      }
      if (t.isEmpty() || t.startsWith("#") || t.startsWith("|") || t.startsWith("- ")) {
        if (!paragraph.isEmpty()) {
          b.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
          paragraph.clear();
        }
      }
      if (t.startsWith("## ")) {
        b.append("<h2>").append(inline(t.substring(3))).append("</h2>\n");
      } else if (t.startsWith("### ")) {
        b.append("<h3>").append(inline(t.substring(4))).append("</h3>\n");
      } else if (t.startsWith("|")) {
        table.add(cells(t));
      } else if (t.startsWith("- ")) {
        if (!list) {
          b.append("<ul>\n");
          list = true;
        }
        b.append("<li>").append(inline(t.substring(2))).append("</li>\n");
      } else if (!t.isEmpty()) {
        paragraph.add(t);
      }
    }
    if (!table.isEmpty()) {
      b.append(table(table));
    }
    if (list) {
      b.append("</ul>\n");
    }
    if (!paragraph.isEmpty()) {
      b.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
    }
    return b.toString();
  }

  private static List<String> cells(String row) {
    String inner = row.substring(1, row.endsWith("|") ? row.length() - 1 : row.length());
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\\' && i + 1 < inner.length() && inner.charAt(i + 1) == '|') {
        cell.append('|');
        i++;
      } else if (c == '|') {
        out.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    out.add(cell.toString().strip());
    return out;
  }

  private static String table(List<List<String>> rows) {
    StringBuilder b = new StringBuilder("<table>\n<thead><tr>");
    for (String h : rows.get(0)) {
      b.append("<th>").append(inline(h)).append("</th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (row.stream().allMatch(c -> c.matches(":?-{3,}:?"))) {
        continue; // the alignment row
      }
      b.append("<tr>");
      for (String c : row) {
        b.append("<td>").append(inline(c)).append("</td>");
      }
      b.append("</tr>\n");
    }
    return b.append("</tbody>\n</table>\n").toString();
  }

  /** Escapes, then turns **bold** and `code` into tags. */
  private static String inline(String s) {
    String e = escape(s);
    e = e.replaceAll("\\*\\*([^*]+)\\*\\*", "<strong>$1</strong>");
    return e.replaceAll("`([^`]+)`", "<code>$1</code>");
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String stripXmlDeclaration(String svg) {
    String t = svg.strip();
    return t.startsWith("<?xml") ? t.substring(t.indexOf("?>") + 2).strip() : t;
  }

  static String footer(String command) {
    return String.format(Locale.ROOT, "Written by unlearn %s; what produced it: manifest.json.",
        command);
  }
}

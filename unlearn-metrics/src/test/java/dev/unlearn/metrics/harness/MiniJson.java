package dev.unlearn.metrics.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A strict little JSON parser for the tests (objects, arrays, strings, numbers, literals). */
final class MiniJson {
  private final String s;
  private int i;

  private MiniJson(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    MiniJson p = new MiniJson(text);
    Object v = p.value();
    p.ws();
    if (p.i != text.length()) {
      throw new IllegalArgumentException("trailing text at " + p.i);
    }
    return v;
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private Object value() {
    ws();
    char c = s.charAt(i);
    if (c == '{') {
      i++;
      Map<String, Object> m = new LinkedHashMap<>();
      ws();
      if (s.charAt(i) == '}') {
        i++;
        return m;
      }
      while (true) {
        ws();
        String k = string();
        ws();
        expect(':');
        if (m.put(k, value()) != null) {
          throw new IllegalArgumentException("duplicate key " + k);
        }
        ws();
        if (s.charAt(i) == ',') {
          i++;
        } else {
          expect('}');
          return m;
        }
      }
    }
    if (c == '[') {
      i++;
      List<Object> a = new ArrayList<>();
      ws();
      if (s.charAt(i) == ']') {
        i++;
        return a;
      }
      while (true) {
        a.add(value());
        ws();
        if (s.charAt(i) == ',') {
          i++;
        } else {
          expect(']');
          return a;
        }
      }
    }
    if (c == '"') {
      return string();
    }
    for (String lit : new String[] {"true", "false", "null"}) {
      if (s.startsWith(lit, i)) {
        i += lit.length();
        return lit.equals("null") ? null : Boolean.valueOf(lit);
      }
    }
    int j = i;
    while (j < s.length() && "+-0123456789.eE".indexOf(s.charAt(j)) >= 0) {
      j++;
    }
    if (j == i) {
      throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
    }
    double d = Double.parseDouble(s.substring(i, j));
    i = j;
    return d;
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = s.charAt(i++);
      if (c == '"') {
        return b.toString();
      }
      if (c == '\\') {
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      } else if (c < 0x20) {
        throw new IllegalArgumentException("raw control character in a string at " + i);
      } else {
        b.append(c);
      }
    }
  }

  private void expect(char c) {
    if (s.charAt(i) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + i + ", got '" + s.charAt(i) + "'");
    }
    i++;
  }
}

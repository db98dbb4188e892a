package dev.splitscope.engine.tokenizer;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;

/**
 * Gives strings in chat templates the Python methods that Hugging Face templates call and Java's String lacks
 * ({@code startswith}, {@code endswith}, {@code lstrip}/{@code rstrip}/{@code strip} with characters,
 * {@code upper}, {@code lower}, {@code title}, {@code capitalize}). Everything else falls through to Jinjava.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || !(method instanceof String name)) return null;
        Object[] p = params == null ? new Object[0] : params;
        Object result = switch (name) {
            case "startswith" -> p.length == 1 ? anyMatch(p[0], s::startsWith) : null;
            case "endswith" -> p.length == 1 ? anyMatch(p[0], s::endsWith) : null;
            case "strip" -> p.length == 1 ? rstrip(lstrip(s, p[0]), p[0]) : null;
            case "lstrip" -> p.length <= 1 ? lstrip(s, p.length == 0 ? null : p[0]) : null;
            case "rstrip" -> p.length <= 1 ? rstrip(s, p.length == 0 ? null : p[0]) : null;
            case "upper" -> p.length == 0 ? s.toUpperCase(Locale.ROOT) : null;
            case "lower" -> p.length == 0 ? s.toLowerCase(Locale.ROOT) : null;
            case "capitalize" -> p.length == 0 ? capitalize(s) : null;
            case "title" -> p.length == 0 ? title(s) : null;
            default -> null;
        };
        if (result != null) context.setPropertyResolved(true);
        return result;
    }

    private static Boolean anyMatch(Object arg, java.util.function.Predicate<String> test) {
        if (arg instanceof Collection<?> c) return c.stream().anyMatch(o -> test.test(String.valueOf(o)));
        return test.test(String.valueOf(arg));
    }

    private static boolean strippable(int c, Object chars) {
        return chars == null ? Character.isWhitespace(c) : String.valueOf(chars).indexOf(c) >= 0;
    }

    private static String lstrip(String s, Object chars) {
        int i = 0;
        while (i < s.length() && strippable(s.charAt(i), chars)) i++;
        return s.substring(i);
    }

    private static String rstrip(String s, Object chars) {
        int j = s.length();
        while (j > 0 && strippable(s.charAt(j - 1), chars)) j--;
        return s.substring(0, j);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            sb.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetter(c);
        }
        return sb.toString();
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // read-only: assignments are left to Jinjava's own resolver
    }
}

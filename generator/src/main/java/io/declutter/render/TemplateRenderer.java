package io.declutter.render;

import freemarker.cache.ClassTemplateLoader;
import freemarker.template.DefaultObjectWrapperBuilder;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * FreeMarker set up for reproducible output: a fixed {@code incompatibleImprovements}, templates from the
 * class path ({@code /templates/<dialect>/...}), UTF-8, errors rethrown, numbers without grouping.
 */
public final class TemplateRenderer {

    private final Configuration config;

    public TemplateRenderer() {
        config = new Configuration(Configuration.VERSION_2_3_34);
        config.setTemplateLoader(new LineEndingLoader(new ClassTemplateLoader(TemplateRenderer.class, "/templates")));
        config.setDefaultEncoding(StandardCharsets.UTF_8.name());
        config.setOutputEncoding(StandardCharsets.UTF_8.name());
        config.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        config.setLogTemplateExceptions(false);
        config.setWrapUncheckedExceptions(true);
        config.setFallbackOnNullLoopVariable(false);
        config.setLocale(Locale.ROOT);
        config.setNumberFormat("computer");
        config.setBooleanFormat("c");
        // View-models are records: with 2.3.33+ wrapping, t.display and t.display() both read a component.
        config.setObjectWrapper(new DefaultObjectWrapperBuilder(Configuration.VERSION_2_3_34).build());
    }

    /**
     * Renders {@code <folder>/<name>.ftl}. Line endings are {@code \n} whatever the checkout did to the templates:
     * the templates are normalised as they are loaded, never the output, which holds names and predicates verbatim
     * (a quoted identifier may contain CR LF, and must stay the same identifier).
     */
    public String render(String folder, String name, Map<String, Object> model) {
        try {
            Template template = config.getTemplate(folder + "/" + name + ".ftl");
            StringWriter out = new StringWriter();
            template.process(model, out);
            return out.toString();
        } catch (IOException | TemplateException e) {
            throw new IllegalStateException("cannot render template " + folder + "/" + name + ": " + e.getMessage(), e);
        }
    }

    /** Loads templates with {@code \r\n} turned into {@code \n} (a Windows checkout must render the same files). */
    private static final class LineEndingLoader implements freemarker.cache.TemplateLoader {
        private final freemarker.cache.TemplateLoader delegate;

        LineEndingLoader(freemarker.cache.TemplateLoader delegate) {
            this.delegate = delegate;
        }

        @Override
        public Object findTemplateSource(String name) throws IOException {
            return delegate.findTemplateSource(name);
        }

        @Override
        public long getLastModified(Object source) {
            return delegate.getLastModified(source);
        }

        @Override
        public java.io.Reader getReader(Object source, String encoding) throws IOException {
            StringBuilder text = new StringBuilder();
            try (java.io.Reader in = delegate.getReader(source, encoding)) {
                char[] buffer = new char[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    text.append(buffer, 0, n);
                }
            }
            return new java.io.StringReader(text.toString().replace("\r\n", "\n"));
        }

        @Override
        public void closeTemplateSource(Object source) throws IOException {
            delegate.closeTemplateSource(source);
        }
    }
}

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
        config.setTemplateLoader(new ClassTemplateLoader(TemplateRenderer.class, "/templates"));
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

    /** Renders {@code <folder>/<name>.ftl} and normalises line endings to {@code \n}. */
    public String render(String folder, String name, Map<String, Object> model) {
        try {
            Template template = config.getTemplate(folder + "/" + name + ".ftl");
            StringWriter out = new StringWriter();
            template.process(model, out);
            return out.toString().replace("\r\n", "\n");
        } catch (IOException | TemplateException e) {
            throw new IllegalStateException("cannot render template " + folder + "/" + name + ": " + e.getMessage(), e);
        }
    }
}

package io.declutter.runner.serve;

import io.declutter.config.JobFileReader;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@code serve} as the tests start it: the service of a policy file, and its API on a free port of 127.0.0.1, with
 * the tokens of a tokens file. The API is made before the service starts, so that runs it resumes report to its
 * metrics too (as ServeCommand does).
 */
record Serving(JobService service, HttpApi http, Api api, String base) implements AutoCloseable {

    static Serving start(Path policyFile, Path tokens) throws Exception {
        JobService service = new JobService(JobFileReader.readPolicy(policyFile), policyFile, s -> s);
        HttpApi http = new HttpApi(service, Tokens.read(tokens));
        service.start();
        http.start(new HttpApi.Listen("127.0.0.1", 0, Optional.empty()));
        String base = "http://127.0.0.1:" + http.port();
        return new Serving(service, http, new Api(base), base);
    }

    @Override
    public void close() throws Exception {
        http.stop();
        service.close();
    }
}

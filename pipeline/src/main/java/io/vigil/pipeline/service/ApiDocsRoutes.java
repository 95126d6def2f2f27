package io.vigil.pipeline.service;

import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** The OpenAPI description of the API, at {@value #PATH}. */
final class ApiDocsRoutes {

  /** Where the description is served. */
  static final String PATH = "/api/v1/openapi.json";

  /** The classpath resource it is read from. */
  static final String RESOURCE = "io/vigil/pipeline/service/openapi.json";

  private ApiDocsRoutes() {}

  static Route route() {
    return Directives.path(
        PathMatchers.segment("api").slash("v1").slash("openapi.json"),
        () -> Directives.get(() -> Directives.getFromResource(RESOURCE)));
  }
}

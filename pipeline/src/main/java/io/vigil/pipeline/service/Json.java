package io.vigil.pipeline.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * JSON in and out of the API: one mapper, and responses built the same way everywhere. An error is
 * always {@code {"status": 404, "error": "Not Found", "message": "..."}}, the message naming what
 * was wrong.
 */
public final class Json {

  /** The one mapper of the service (records are written by their components). */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  /** 200 with {@code body} as JSON. */
  public static Route ok(Object body) {
    return complete(StatusCodes.OK, body);
  }

  /** {@code status} with {@code body} as JSON. */
  public static Route complete(StatusCode status, Object body) {
    return Directives.complete(response(status, body));
  }

  /** An error response: the status, its reason and {@code message}. */
  public static Route error(StatusCode status, String message) {
    return Directives.complete(errorResponse(status, message));
  }

  /** The response of {@link #complete(StatusCode, Object)}. */
  public static HttpResponse response(StatusCode status, Object body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes(body)));
  }

  /** The response of {@link #error(StatusCode, String)}. */
  public static HttpResponse errorResponse(StatusCode status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status.intValue());
    body.put("error", status.reason());
    body.put("message", message);
    return response(status, body);
  }

  /** {@code value} as JSON bytes. */
  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass() + " as JSON", e);
    }
  }
}

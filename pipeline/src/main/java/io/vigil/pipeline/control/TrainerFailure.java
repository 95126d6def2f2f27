package io.vigil.pipeline.control;

/**
 * A training run that failed: what the trainer actor throws so that its supervisor restarts it with
 * backoff. Errors of the training thread (an {@link OutOfMemoryError} among them) arrive wrapped in
 * one, so that they never reach the actor system as fatal errors.
 */
public final class TrainerFailure extends RuntimeException {

  public TrainerFailure(String message, Throwable cause) {
    super(message, cause);
  }
}

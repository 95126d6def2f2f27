package io.vigil.engine.model;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * The input contract as a model file's header holds it: {@code channels}, {@code height}, {@code
 * width}, {@code mean} and {@code std}. A uniform contract's mean and std are single numbers, so
 * its JSON is what files held before contracts had a mean per channel (and hashes the same); a
 * per-channel contract's are arrays of one value per channel.
 */
record ContractJson(
    int channels,
    int height,
    int width,
    @JsonFormat(
            with = {
              JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
              JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED
            })
        float[] mean,
    @JsonFormat(
            with = {
              JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
              JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED
            })
        float[] std) {

  static ContractJson of(InputContract contract) {
    return contract.uniform()
        ? new ContractJson(
            contract.channels(),
            contract.height(),
            contract.width(),
            new float[] {contract.mean()},
            new float[] {contract.std()})
        : new ContractJson(
            contract.channels(),
            contract.height(),
            contract.width(),
            contract.means(),
            contract.stds());
  }

  /**
   * The contract this JSON describes.
   *
   * @throws IllegalArgumentException if a value is missing or the contract is invalid
   */
  InputContract toContract() {
    if (mean == null || std == null) {
      throw new IllegalArgumentException(
          "input contract: no " + (mean == null ? "mean" : "std") + " given");
    }
    return InputContract.perChannel(channels, height, width, mean, std);
  }
}

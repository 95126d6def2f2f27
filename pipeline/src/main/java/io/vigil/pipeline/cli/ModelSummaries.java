package io.vigil.pipeline.cli;

import io.vigil.engine.model.Model;
import io.vigil.engine.summary.ContractSummary;
import io.vigil.engine.summary.NetworkSummary;
import io.vigil.engine.summary.SummaryTable;
import java.io.PrintWriter;

/** A model file's summary, as {@code vigil model summary} and {@code vigil import} print it. */
final class ModelSummaries {

  private ModelSummaries() {}

  /** The model's version, classes and data, its input contract, class names and layer table. */
  static void print(Model model, PrintWriter out) {
    out.println(
        "model "
            + model.version()
            + ": "
            + model.classNames().size()
            + " classes, "
            + model.provenance().dataset());
    out.println(ContractSummary.input(model.input()));
    out.println(ContractSummary.classes(model.classNames()));
    for (String line : SummaryTable.render(NetworkSummary.of(model.network().spec()))) {
      out.println(line);
    }
  }
}

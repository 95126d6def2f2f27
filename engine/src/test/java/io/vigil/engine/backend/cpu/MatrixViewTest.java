package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.backend.GemmOp;
import org.junit.jupiter.api.Test;

class MatrixViewTest {

  /** op(X)(i, j) as the kernels read it: through the view's strides. */
  private static float at(MatrixView v, int i, int j) {
    return v.data()[v.offset() + i * v.rowStride() + j * v.columnStride()];
  }

  /** A 3 × 4 matrix stored row-major from offset 2 with rows 5 floats apart: X(i, j) = 10i + j. */
  private static MatrixView stored() {
    float[] data = new float[2 + 3 * 5];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        data[2 + i * 5 + j] = 10 * i + j;
      }
    }
    return MatrixView.of(data, 2, 5);
  }

  @Test
  void transposeSwapsRowsAndColumns() {
    MatrixView x = stored();
    MatrixView t = x.transpose();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        assertEquals(10 * i + j, at(x, i, j));
        assertEquals(10 * i + j, at(t, j, i));
      }
    }
    assertEquals(x, t.transpose());
  }

  @Test
  void fromRowAndColumnStartAtThatElementOfOpX() {
    MatrixView x = stored();
    assertEquals(21, at(x.fromRow(2).fromColumn(1), 0, 0));
    assertEquals(23, at(x.fromRow(1).fromColumn(2), 1, 1));
    MatrixView t = x.transpose();
    // op(X) = Xᵀ: its (1, 2) is X's (2, 1).
    assertEquals(21, at(t.fromRow(1).fromColumn(2), 0, 0));
    assertEquals(12, at(t.fromColumn(1), 2, 0));
    assertEquals(x, x.shift(0));
  }

  @Test
  void followsTheOperandsOfAGemmOp() {
    float[] data = new float[64];
    GemmOp op = GemmOp.of(true, false, 4, 5, 6, 1f, 0f);
    MatrixView a = MatrixView.a(op, data, 3);
    MatrixView b = MatrixView.b(op, data, 7);
    MatrixView c = MatrixView.c(op, data, 11);
    assertEquals(new MatrixView(data, 3, op.lda(), true), a);
    assertEquals(new MatrixView(data, 7, op.ldb(), false), b);
    assertEquals(new MatrixView(data, 11, op.ldc(), false), c);
  }
}

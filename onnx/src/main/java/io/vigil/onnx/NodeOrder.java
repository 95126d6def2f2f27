package io.vigil.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import onnx.Onnx.NodeProto;

/**
 * Puts a graph's nodes in an order where each comes after the nodes it reads. ONNX requires files
 * to be sorted, but not every writer obeys, so the order is computed (Kahn's algorithm, ties kept
 * in file order kept where the file allows) and every name a node reads must be defined somewhere:
 * a graph input, an initializer or another node's output. What cannot be ordered is a cycle,
 * reported with the nodes on it.
 */
final class NodeOrder {

  private NodeOrder() {}

  /**
   * The nodes of {@code nodes} in dependency order; {@code refs.get(i)} names node {@code i} and
   * {@code defined} holds the graph inputs and initializers.
   */
  static List<Integer> sort(
      String file, List<NodeProto> nodes, List<NodeRef> refs, Set<String> defined)
      throws OnnxFormatException {
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String out : nodes.get(i).getOutputList()) {
        if (out.isEmpty()) {
          continue;
        }
        if (defined.contains(out)) {
          throw refs.get(i)
              .fail("writes '" + out + "', which is already a graph input or initializer");
        }
        Integer before = producer.put(out, i);
        if (before != null) {
          throw refs.get(i)
              .fail("writes '" + out + "', which " + refs.get(before).label() + " writes too");
        }
      }
    }
    int[] waiting = new int[nodes.size()];
    List<List<Integer>> readers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      readers.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : nodes.get(i).getInputList()) {
        if (in.isEmpty() || defined.contains(in)) {
          continue; // an empty name is an optional input left out
        }
        Integer p = producer.get(in);
        if (p == null) {
          throw new OnnxFormatException(
              file + ": missing initializer/input '" + in + "' read by " + refs.get(i).label());
        }
        waiting[i]++;
        readers.get(p).add(i);
      }
    }
    // Of the nodes ready, the one first in the file goes first: a sorted file keeps its order.
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    List<Integer> order = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(i);
      for (int r : readers.get(i)) {
        if (--waiting[r] == 0) {
          ready.add(r);
        }
      }
    }
    if (order.size() < nodes.size()) {
      throw new OnnxFormatException(
          file + ": the graph has a cycle through " + cycle(nodes, refs, producer, waiting));
    }
    return order;
  }

  /**
   * One cycle among the nodes left unsorted, as node labels: walk back from any of them along
   * unsorted producers until a node repeats.
   */
  private static String cycle(
      List<NodeProto> nodes, List<NodeRef> refs, Map<String, Integer> producer, int[] waiting) {
    int start = 0;
    while (waiting[start] == 0) {
      start++;
    }
    List<Integer> path = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    int at = start;
    while (seen.add(at)) {
      path.add(at);
      int next = -1;
      for (String in : nodes.get(at).getInputList()) {
        Integer p = producer.get(in);
        if (p != null && waiting[p] > 0) {
          next = p;
          break;
        }
      }
      at = next;
    }
    List<Integer> loop = path.subList(path.indexOf(at), path.size());
    StringBuilder text = new StringBuilder();
    for (int k = loop.size() - 1; k >= 0; k--) {
      text.append(refs.get(loop.get(k)).label()).append(" → ");
    }
    return text.append(refs.get(loop.get(loop.size() - 1)).label()).toString();
  }
}

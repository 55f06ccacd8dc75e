package dev.gatehouse.e2e;

/** The pod cannot start yet, as at a kubelet: a volume's source is missing, an old process still runs. */
class PodWaits extends RuntimeException {
  PodWaits(String why) {
    super(why);
  }
}

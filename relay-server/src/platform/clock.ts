/** The relay's notion of now (epoch ms); injected everywhere so tests can move time by hand. */
export type Clock = () => number;

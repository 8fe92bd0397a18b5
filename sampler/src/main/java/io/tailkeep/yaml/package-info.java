/**
 * A small kit for reading SnakeYAML node trees with positions: the rules file (sampler) and the
 * server config (deploy) both read nodes rather than constructed maps, because only nodes carry
 * the line and column an error message names. Each reader keeps its own messages and exception.
 */
package io.tailkeep.yaml;

import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "@vetmesh/kit";
import { configShape } from "./config.ts";

describe("veterinary config", () => {
  test("CLINIC_NAME signs every reminder's subject line: a CR/LF or control character stops the process", () => {
    expect(loadConfig(configShape, { CLINIC_NAME: "Happy Paws" }).CLINIC_NAME).toBe("Happy Paws");
    for (const name of ["Happy Paws\r\nBcc: x@y.com", "Happy\u0000Paws"]) {
      let caught: unknown;
      try {
        loadConfig(configShape, { CLINIC_NAME: name });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).variables).toEqual(["CLINIC_NAME"]);
    }
  });
});

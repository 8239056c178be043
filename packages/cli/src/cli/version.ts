/** Version of `@modelsight/cli`, printed by `modelsight --version`. */
export const VERSION = '0.1.0';

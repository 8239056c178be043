/** Version of `@modelsight/node`, reported as the instrumentation scope version of what it instruments itself. */
export const VERSION = '0.1.0';

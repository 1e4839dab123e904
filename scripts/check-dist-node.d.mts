/** Types of check-dist-node.mjs (plain JavaScript, so that it runs on any Node). */
export declare const PACKAGING_NODE: string;
export declare function atLeast(version: string, minimum: string): boolean;
export declare function packagingNodeProblem(version: string): string | undefined;

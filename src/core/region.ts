// AWS region names, with no imports: src/cli/run-action.ts checks --region on every command start.

/** An AWS region name as the partitions spell them: us-west-2, cn-north-1, us-gov-east-1, eu-isoe-west-1, eusc-de-east-1. */
export const isAwsRegion = (region: string): boolean => /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(region);

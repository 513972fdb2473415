using MlNetGd.Cli;

// The verbs (compare, train, predict, data, script) are listed in CliRunner.CreateRoot, which tests also use in-process.
return CliRunner.Run(args, Console.Out, Console.Error);
